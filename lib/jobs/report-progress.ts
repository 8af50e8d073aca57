import { and, eq, notInArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs, type Job } from "@/lib/db/schema";
import { publishJob } from "./publish";
import { finishedStatuses } from "./set-job-status";

/** Where a running job stands. Ignored once the job has finished. */
export async function reportProgress(
  db: Db,
  jobId: string,
  progress: { processed: number; total: number; phase?: string; currentStep?: string },
): Promise<Job | null> {
  const [job] = await db
    .update(jobs)
    .set({
      processed: progress.processed,
      total: progress.total,
      ...(progress.phase !== undefined ? { phase: progress.phase } : {}),
      ...(progress.currentStep !== undefined ? { currentStep: progress.currentStep } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(jobs.id, jobId), notInArray(jobs.status, finishedStatuses)))
    .returning();
  if (job) publishJob(job);
  return job ?? null;
}
