import { asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobLogs, jobs, type Job, type JobLog } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { canSee, type Caller } from "./caller";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A job the caller may see: their own, any job for an admin, and anonymous jobs to anyone
 * holding the (unguessable) id. Someone else's job is reported as missing, not forbidden.
 */
export async function getJobOrThrow(db: Db, caller: Caller, jobId: string): Promise<Job> {
  const job = uuid.test(jobId) ? (await db.select().from(jobs).where(eq(jobs.id, jobId)))[0] : undefined;
  if (!job || !canSee(caller, job)) throw new AppError("not_found", `Job ${jobId} not found`);
  return job;
}

export async function listJobLogs(db: Db, jobId: string): Promise<JobLog[]> {
  return db.select().from(jobLogs).where(eq(jobLogs.jobId, jobId)).orderBy(asc(jobLogs.id));
}
