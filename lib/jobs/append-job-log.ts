import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobLogs, jobs, type JobLog } from "@/lib/db/schema";
import { publicMessage } from "@/lib/public-message";
import { publishJobLog } from "./publish";

/**
 * Adds a line to the job's log (contract 004's result_payload.log) and announces it. The line
 * is what callers read, so host paths, SQL and stack frames are taken out first.
 */
export async function appendJobLog(db: Db, jobId: string, message: string, level: JobLog["level"] = "info"): Promise<JobLog> {
  const [log] = await db.insert(jobLogs).values({ jobId, message: publicMessage(message), level }).returning();
  const [job] = await db
    .update(jobs)
    .set({ updatedAt: log.at })
    .where(eq(jobs.id, jobId))
    .returning({ id: jobs.id, kind: jobs.kind, clientId: jobs.clientId, ownerId: jobs.ownerId });
  if (job) publishJobLog(job, log);
  return log;
}
