import { and, eq, notInArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs, type Job } from "@/lib/db/schema";
import { publishJob } from "./publish";
import { finishedStatuses } from "./set-job-status";

/**
 * Where a running job stands, the one way every job reports progress. Ignored once the job has
 * finished. `forwardOnly` keeps `processed` from going below what is stored (a retried step
 * starts its ffmpeg run again from 0, and some contracts' progress never goes back) and skips
 * the write when nothing moved, unless it is a `heartbeat` ("still at this point").
 */
export async function reportProgress(
  db: Db,
  jobId: string,
  progress: { processed: number; total: number; phase?: string; currentStep?: string },
  options: { forwardOnly?: boolean; heartbeat?: boolean } = {},
): Promise<Job | null> {
  const moved = options.forwardOnly && !options.heartbeat
    ? sql`(${jobs.processed} < ${progress.processed}${progress.phase !== undefined ? sql` or ${jobs.phase} is distinct from ${progress.phase}` : sql``})`
    : undefined;
  const [job] = await db
    .update(jobs)
    .set({
      processed: options.forwardOnly ? sql`greatest(${jobs.processed}, ${progress.processed})` : progress.processed,
      total: progress.total,
      ...(progress.phase !== undefined ? { phase: progress.phase } : {}),
      ...(progress.currentStep !== undefined ? { currentStep: progress.currentStep } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(jobs.id, jobId), notInArray(jobs.status, finishedStatuses), moved))
    .returning();
  if (job) publishJob(job);
  return job ?? null;
}
