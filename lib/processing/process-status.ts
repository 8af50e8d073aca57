import type { Job, JobKind } from "@/lib/db/schema";

/**
 * contracts/enhance-metadata.md: an upload (file_id = the video's id) starts two jobs, one per
 * process_type. This file is the contract's view of those jobs (pure: lib/jobs/publish.ts uses it).
 */
export const processTypes = { video_enhancement: "enhance", metadata_extraction: "metadata" } as const satisfies Record<string, JobKind>;
export type ProcessType = keyof typeof processTypes;

export function processTypeOf(kind: JobKind): ProcessType | null {
  if (kind === "enhance") return "video_enhancement";
  if (kind === "metadata") return "metadata_extraction";
  return null;
}

export type ProcessStatus = "pending" | "processing" | "completed" | "failed";

export function processStatusOf(job: Pick<Job, "status">): ProcessStatus {
  switch (job.status) {
    case "pending":
    case "queued":
      return "pending";
    case "in_progress":
      return "processing";
    case "completed":
      return "completed";
    default:
      return "failed";
  }
}

/** 0-100: the job's processed/total as a percentage (the jobs write total = 100), 100 once completed. */
export function processProgressOf(job: Pick<Job, "status" | "processed" | "total">): number {
  if (job.status === "completed") return 100;
  if (job.total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((job.processed / job.total) * 100)));
}

function errorOf(job: Pick<Job, "status" | "errorMessage">): string | null {
  if (job.status === "cancelled") return job.errorMessage ?? "Cancelled";
  return job.status === "failed" ? (job.errorMessage ?? "Processing failed") : null;
}

/** The WebSocket's "Video Enhancement / Metadata Extraction Status Update". */
export function toStatusUpdate(job: Job): Record<string, unknown> | null {
  const processType = processTypeOf(job.kind);
  if (!processType || !job.videoId) return null;
  return {
    type: "status_update",
    file_id: job.videoId,
    process_type: processType,
    status: processStatusOf(job),
    progress: processProgressOf(job),
    error: errorOf(job),
    timestamp: job.updatedAt.toISOString(),
  };
}

/** The WebSocket's "Upload Status". */
export function toUploadStatus(fileId: string, at: Date): Record<string, unknown> {
  return { type: "upload_status", file_id: fileId, status: "uploaded", message: "Video uploaded successfully", timestamp: at.toISOString() };
}

/**
 * `GET /internal/{video-enhancement,metadata-extraction}-status/{file_id}`: the contract's four
 * fields, plus the result's URL once there is one (`result_url`).
 */
export function toProcessStatus(job: Job, resultUrl: string | null, enhancement: Record<string, unknown> | null = null): Record<string, unknown> {
  return {
    status: processStatusOf(job),
    progress: processProgressOf(job),
    error: errorOf(job),
    last_updated: job.updatedAt.toISOString(),
    ...(resultUrl ? { result_url: resultUrl } : {}),
    ...(enhancement ? { enhancement } : {}),
  };
}

/**
 * A completed enhancement's report: the preset, what it chose and why, the filter graph, and
 * the figures measured before and after (lib/media/measure.ts).
 */
export function enhancementSummaryOf(job: Job): Record<string, unknown> | null {
  if (job.kind !== "enhance" || job.status !== "completed" || !job.resultPayload) return null;
  const result = job.resultPayload as Record<string, unknown> & { plan?: { reasons?: string[] } };
  return {
    preset: result.preset,
    reasons: result.plan?.reasons ?? [],
    filters: result.filters,
    measured: result.measured,
    before: result.before,
    after: result.after,
    encode_seconds: result.encode_seconds,
  };
}

const rank: Record<string, number> = { pending: 0, processing: 1, completed: 2, failed: 2 };

/**
 * One socket's filter: a status_update that would take a process back (a lower status or
 * progress than this socket was already sent) is dropped. A late socket's catch-up and the live
 * stream may cross; the socket still sees every process move forward only.
 */
export function createStatusGate(): (message: unknown) => boolean {
  const seen = new Map<string, { rank: number; progress: number }>();
  return (message) => {
    const update = message as { type?: string; file_id?: string; process_type?: string; status?: string; progress?: number };
    if (update?.type !== "status_update") return true;
    const key = `${update.file_id}/${update.process_type}`;
    const next = { rank: rank[update.status ?? ""] ?? 0, progress: update.progress ?? 0 };
    const last = seen.get(key);
    if (last && (next.rank < last.rank || (next.rank === last.rank && next.progress < last.progress) || (last.rank === 2 && next.rank === 2))) return false;
    seen.set(key, next);
    return true;
  };
}
