import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobLogs, jobs, type JobLog } from "@/lib/db/schema";
import { publishJobLog } from "./publish";

/** Adds a line to the job's log (contract 004's result_payload.log) and announces it. */
export async function appendJobLog(db: Db, jobId: string, message: string, level: JobLog["level"] = "info"): Promise<JobLog> {
  const [log] = await db.insert(jobLogs).values({ jobId, message, level }).returning();
  const [job] = await db.update(jobs).set({ updatedAt: log.at }).where(eq(jobs.id, jobId)).returning({ id: jobs.id, clientId: jobs.clientId });
  if (job) publishJobLog(job, log);
  return log;
}
