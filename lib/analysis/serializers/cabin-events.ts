import type { AnalysisEvent, Job } from "@/lib/db/schema";

/**
 * contracts/cabin-events.md wire shapes. A job is seen as frames processed out of total; an
 * event carries the contract's four media fields plus what a client needs to show it.
 */
const terminal = new Set(["completed", "failed", "cancelled"]);

function percentOf(job: Job): number {
  if (job.status === "completed") return 100;
  return job.total > 0 ? Math.round((job.processed / job.total) * 1000) / 10 : 0;
}

function errorOf(job: Job): string | null {
  if (job.status === "cancelled") return job.errorMessage ?? "Job was cancelled";
  return job.status === "failed" ? (job.errorMessage ?? "Job failed") : null;
}

export function toCabinJobCreated(job: Job, base: string) {
  const at = `${base}/api/jobs/${job.id}`;
  return { job_id: job.id, status_url: at, progress_url: `${at}/progress`, results_url: `${at}/results` };
}

export function toCabinJobSummary(job: Job) {
  return {
    job_id: job.id,
    processed: job.processed,
    total: job.total,
    percent: percentOf(job),
    done: terminal.has(job.status),
    error: errorOf(job),
    // Beyond the contract: what a dashboard shows.
    status: job.status,
    phase: job.phase,
    current_step: job.currentStep,
    trip_id: job.tripId,
  };
}

export function toCabinProgress(job: Job) {
  return { processed: job.processed, total: job.total, done: terminal.has(job.status), error: errorOf(job) };
}

/** An unknown id is an answer, not an error, for pollers: they stop on `done`. */
export function toCabinProgressNotFound() {
  return { processed: 0, total: 0, done: true, error: "invalid_job", notFound: true };
}

export function toCabinEvent(event: AnalysisEvent, mediaBase: string) {
  const url = (file: string | null) => (file ? `${mediaBase}/${encodeURIComponent(file)}` : null);
  return {
    id: event.id,
    label: event.label,
    start_time: round(event.startTime),
    end_time: round(event.endTime),
    duration: round(event.endTime - event.startTime),
    confidence: event.confidence,
    track_ids: event.trackIds,
    best_frame_time: round(event.bestTimestamp),
    clip_start: event.clipStart === null ? null : round(event.clipStart),
    clip_end: event.clipEnd === null ? null : round(event.clipEnd),
    activityImage: event.snapshot,
    activityClip: event.clip,
    activityImageUrl: url(event.snapshot),
    activityClipUrl: url(event.clip),
    activityImageAnnotated: event.snapshotAnnotated,
    activityImageAnnotatedUrl: url(event.snapshotAnnotated),
  };
}

export function toCabinResults(job: Job, list: { total: number; items: AnalysisEvent[] }, page: { page: number; pageSize: number }, base: string) {
  const start = (page.page - 1) * page.pageSize;
  const mediaBase = `${base}/api/jobs/${job.id}/media`;
  return {
    job_id: job.id,
    trip_id: job.tripId,
    events: list.items.map((event) => toCabinEvent(event, mediaBase)),
    page: page.page,
    page_size: page.pageSize,
    total: list.total,
    start: Math.min(start, list.total),
    end: Math.min(start + list.items.length, list.total),
    total_pages: Math.ceil(list.total / page.pageSize),
  };
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
