import type { Job, JobLog } from "@/lib/db/schema";

/** contracts/editor-jobs.md: the job record of `POST /jobs/` and `GET /jobs/{job_id}`. */
export type EditorJob = {
  id: string;
  created_at: string;
  updated_at: string;
  clip_version_id: string | null;
  job_type: string;
  status: Job["status"];
  queue_name: string;
  priority: number;
  payload: Record<string, unknown>;
  result_payload: ({ progress: number; log: { timestamp: string; message: string }[] } & Record<string, unknown>) | null;
  error_message: string | null;
  started_at: string | null;
  completed_at: string | null;
};

export const editorQueueName = "framewise-jobs";

export function toEditorJob(job: Job, logs: JobLog[]): EditorJob {
  return {
    id: job.id,
    created_at: timestamp(job.createdAt),
    updated_at: timestamp(job.updatedAt),
    clip_version_id: job.clipVersionId,
    job_type: job.kind,
    status: job.status,
    queue_name: editorQueueName,
    priority: job.priority,
    payload: job.payload,
    result_payload: resultPayload(job, logs),
    error_message: job.errorMessage,
    started_at: job.startedAt ? timestamp(job.startedAt) : null,
    completed_at: job.completedAt ? timestamp(job.completedAt) : null,
  };
}

/** null until the job has started or logged anything, as in the contract's 202 example. */
function resultPayload(job: Job, logs: JobLog[]): EditorJob["result_payload"] {
  if (!job.startedAt && !job.resultPayload && logs.length === 0) return null;
  const progress = job.status === "completed" ? 1 : job.total > 0 ? Math.min(1, job.processed / job.total) : 0;
  return {
    ...(job.resultPayload ?? {}),
    progress: Math.round(progress * 10_000) / 10_000,
    log: logs.map((log) => ({ timestamp: timestamp(log.at), message: log.message })),
  };
}

/** "2024-10-30T12:45:01.000000+00:00": microseconds and an explicit UTC offset, like FastAPI. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}
