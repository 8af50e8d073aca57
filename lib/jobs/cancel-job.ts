import type { Db } from "@/lib/db/client";
import type { Job } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { Caller } from "./caller";
import { appendJobLog } from "./append-job-log";
import { getJobOrThrow } from "./get-job";
import { jobQueue } from "./job-queue";
import { finishedStatuses, setJobStatus } from "./set-job-status";

/**
 * Cancels a job the caller can see: stops its run through the job queue (lib/jobs/job-queue.ts:
 * the run stops before its next step), then marks the job cancelled and logs "Cancelled"; a
 * step in flight sees the row and stops its ffmpeg (lib/jobs/job-files.ts cancellable). A
 * finished job is returned unchanged.
 */
export async function cancelJob(db: Db, caller: Caller, jobId: string): Promise<Job> {
  const job = await getJobOrThrow(db, caller, jobId);
  if (finishedStatuses.includes(job.status)) return job;
  try {
    await jobQueue().cancel(job.id);
  } catch (error) {
    throw new AppError("unavailable", `Failed to cancel job: ${error instanceof Error ? error.message : String(error)}`);
  }
  const cancelled = await setJobStatus(db, job.id, "cancelled");
  if (!cancelled) return getJobOrThrow(db, caller, jobId);
  await appendJobLog(db, job.id, "Cancelled");
  return cancelled;
}
