import { asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobLogs, type Job, type JobLog } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { canChange, canSee, type Caller } from "./caller";
import { jobExtra, readJob } from "./job-snapshot";

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A job the caller may see: their own, any job for an admin, and anonymous jobs to anyone
 * holding the (unguessable) id. Someone else's job is reported as missing, not forbidden.
 * Read through the job snapshots (lib/jobs/job-snapshot.ts): polling costs a database read
 * when the job changes; the visibility check runs on every call, as before.
 */
export async function getJobOrThrow(db: Db, caller: Caller, jobId: string): Promise<Job> {
  const job = uuid.test(jobId) ? await readJob(db, jobId) : undefined;
  if (!job || !canSee(caller, job)) throw new AppError("not_found", `Job ${jobId} not found`);
  return job;
}

/**
 * A job the caller may change (lib/jobs/caller.ts `canChange`): one they cannot even see is
 * missing, as above; one they can see but did not start (an anonymous job opened through its
 * link in another browser) is refused as forbidden, saying who may (`action`: "delete it", "run it again").
 */
export async function getChangeableJobOrThrow(db: Db, caller: Caller, jobId: string, action: string): Promise<Job> {
  const job = await getJobOrThrow(db, caller, jobId);
  // Someone else's account job is already missing above: only an anonymous job gets here.
  if (!canChange(caller, job)) throw new AppError("forbidden", `Only the browser that started this job can ${action}`);
  return job;
}

/** The job's log lines, oldest first; kept with its snapshot (each new line is announced). */
export async function listJobLogs(db: Db, jobId: string): Promise<JobLog[]> {
  return jobExtra(db, jobId, "logs", () => db.select().from(jobLogs).where(eq(jobLogs.jobId, jobId)).orderBy(asc(jobLogs.id)));
}
