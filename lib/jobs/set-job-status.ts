import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs, type Job, type JobStatus } from "@/lib/db/schema";
import { publicMessage } from "@/lib/public-message";
import { currentJobQueue } from "./job-queue";
import { publishJob } from "./publish";

/** Statuses a job may come from to reach each status; a finished job never changes again. */
const allowedFrom: Record<JobStatus, JobStatus[]> = {
  pending: [],
  queued: ["pending"],
  in_progress: ["pending", "queued"],
  completed: ["pending", "queued", "in_progress"],
  failed: ["pending", "queued", "in_progress"],
  cancelled: ["pending", "queued", "in_progress"],
};

export const finishedStatuses: JobStatus[] = ["completed", "failed", "cancelled"];

/**
 * Moves a job along pending -> queued -> in_progress -> completed | failed | cancelled.
 * Returns the updated job, or null when the move is not allowed (e.g. a late step finishing
 * a job that was cancelled meanwhile): callers need not check first. A job that finishes
 * hands its caller's turn on (JobQueue.finished); a failure there is logged, not thrown: the
 * move is made, and the periodic admission finds the turn (lib/jobs/admission.ts).
 */
export async function setJobStatus(
  db: Db,
  jobId: string,
  status: JobStatus,
  details: { errorMessage?: string; resultPayload?: Record<string, unknown>; runId?: string } = {},
): Promise<Job | null> {
  const now = new Date();
  const [job] = await db
    .update(jobs)
    .set({
      status,
      updatedAt: now,
      ...(status === "in_progress" ? { startedAt: sql`coalesce(${jobs.startedAt}, ${now.toISOString()}::timestamptz)` } : {}),
      ...(finishedStatuses.includes(status) ? { completedAt: now } : {}),
      ...(status === "completed" ? { processed: sql`greatest(${jobs.total}, ${jobs.processed})`, phase: "done", currentStep: "Processing complete" } : {}),
      ...(status === "cancelled" ? { currentStep: "Cancelled" } : {}),
      // Callers read it: no host paths, SQL or stack frames (lib/public-message.ts).
      ...(details.errorMessage !== undefined ? { errorMessage: publicMessage(details.errorMessage) } : {}),
      ...(details.resultPayload !== undefined ? { resultPayload: details.resultPayload } : {}),
      ...(details.runId !== undefined ? { runId: details.runId } : {}),
    })
    .where(and(eq(jobs.id, jobId), inArray(jobs.status, allowedFrom[status])))
    .returning();
  if (!job) return null;
  publishJob(job);
  if (finishedStatuses.includes(status)) {
    await currentJobQueue()?.finished?.(job, db).catch((error: unknown) => console.warn(`[jobs] could not start the next job after ${job.id}: ${error instanceof Error ? error.message : String(error)}`));
  }
  return job;
}
