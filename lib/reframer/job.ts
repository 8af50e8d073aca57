import type { Db } from "@/lib/db/client";
import type { Job } from "@/lib/db/schema";
import { AppError, isAppError } from "@/lib/errors";
import { getJobOrThrow, type Caller } from "@/lib/jobs";
import { progressPercent } from "./progress";

/** A reframe job the caller may see; anything else (another key's, another kind) is `Job not found`. */
export async function getReframeJob(db: Db, caller: Caller, jobId: string): Promise<Job> {
  try {
    const job = await getJobOrThrow(db, caller, jobId);
    if (job.kind !== "reframe" || !caller.user || job.ownerId !== caller.user.id) throw new AppError("not_found", "Job not found");
    return job;
  } catch (error) {
    if (isAppError(error) && error.kind === "not_found") throw new AppError("not_found", "Job not found");
    throw error;
  }
}

export type ReframerStatus = "queued" | "processing" | "completed" | "failed";

export function reframerStatus(status: Job["status"]): ReframerStatus {
  if (status === "completed") return "completed";
  if (status === "failed" || status === "cancelled") return "failed";
  if (status === "in_progress") return "processing";
  return "queued";
}

/** GET /job/{job_id} (contracts/reframer.md §4). */
export function toReframerJob(job: Job) {
  const status = reframerStatus(job.status);
  const currentStep =
    status === "completed" ? "Processing complete" : status === "queued" ? "Waiting to start" : status === "failed" ? "Processing failed" : (job.currentStep ?? "Starting");
  return {
    job_id: job.id,
    status,
    progress_percent: status === "failed" ? progressPercent({ ...job, status: "in_progress" }) : progressPercent(job),
    current_step: currentStep,
    video_id: job.videoId,
    ...(status === "failed" ? { error_message: job.errorMessage ?? (job.status === "cancelled" ? "Job was cancelled" : "Processing failed") } : {}),
  };
}
