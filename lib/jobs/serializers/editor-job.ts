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

/** `baseUrl`: lib/http/base-url.ts's, which makes the stored file paths absolute links. */
export function toEditorJob(job: Job, logs: JobLog[], baseUrl: string): EditorJob {
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
    result_payload: resultPayload(job, logs, baseUrl),
    error_message: job.errorMessage,
    started_at: job.startedAt ? timestamp(job.startedAt) : null,
    completed_at: job.completedAt ? timestamp(job.completedAt) : null,
  };
}

/** null until the job has started or logged anything, as in the contract's 202 example. */
function resultPayload(job: Job, logs: JobLog[], baseUrl: string): EditorJob["result_payload"] {
  if (!job.startedAt && !job.resultPayload && logs.length === 0) return null;
  const progress = job.status === "completed" ? 1 : job.total > 0 ? Math.min(1, job.processed / job.total) : 0;
  return {
    ...withAbsoluteUrls(job.resultPayload ?? {}, baseUrl),
    progress: Math.round(progress * 10_000) / 10_000,
    log: logs.map((log) => ({ timestamp: timestamp(log.at), message: log.message })),
  };
}

/**
 * Jobs store their files as paths (`/jobs/{id}/files/{name}`, lib/jobs/job-files.ts), which
 * the dashboard links as they are; a client of the contract gets absolute URLs, as every other
 * contract gives: `files` and generate_clip's `clips[].url`.
 */
function withAbsoluteUrls(result: Record<string, unknown>, baseUrl: string): Record<string, unknown> {
  const absolute = (url: unknown) => (typeof url === "string" && url.startsWith("/") ? `${baseUrl}${url}` : url);
  const { files, clips } = result as { files?: unknown; clips?: unknown };
  return {
    ...result,
    ...(isRecord(files) ? { files: Object.fromEntries(Object.entries(files).map(([name, url]) => [name, absolute(url)])) } : {}),
    ...(Array.isArray(clips) ? { clips: clips.map((clip: unknown) => (isRecord(clip) ? { ...clip, url: absolute(clip.url) } : clip)) } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** "2024-10-30T12:45:01.000000+00:00": microseconds and an explicit UTC offset, like FastAPI. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000+00:00");
}
