import type { Job } from "@/lib/db/schema";
import { progressPercent } from "./progress";

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
