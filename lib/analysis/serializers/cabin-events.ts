import type { AnalysisEvent, Job } from "@/lib/db/schema";
import type { ReviewCounts } from "../count-reviews";
import type { ZoneCounts } from "../count-zones";

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

/** What the page shows of an annotate job. */
export function toAnnotateJob(job: Job) {
  const files = (job.resultPayload as { files?: { annotated?: string } } | null)?.files;
  return {
    job_id: job.id,
    status: job.status,
    processed: job.processed,
    total: job.total,
    percent: job.status === "completed" ? 100 : job.total > 0 ? Math.round((job.processed / job.total) * 100) : 0,
    error: job.errorMessage,
    video_url: job.status === "completed" ? (files?.annotated ?? null) : null,
  };
}

/** An unknown id is an answer, not an error, for pollers: they stop on `done`. */
export function toCabinProgressNotFound() {
  return { processed: 0, total: 0, done: true, error: "invalid_job", notFound: true };
}

/**
 * An event's verdict, null while unreviewed. Only the job's owner and admins can review, so a
 * reviewer other than the owner was an admin; who exactly is not said.
 */
export function toCabinReview(event: AnalysisEvent, job: Pick<Job, "ownerId">) {
  if (!event.reviewVerdict) return null;
  return {
    verdict: event.reviewVerdict,
    note: event.reviewNote,
    reviewed_at: event.reviewedAt?.toISOString() ?? null,
    reviewed_by_admin: event.reviewedBy !== job.ownerId,
  };
}

export function toCabinEvent(event: AnalysisEvent, mediaBase: string, job: Pick<Job, "ownerId">) {
  const url = (file: string | null) => (file ? `${mediaBase}/${encodeURIComponent(file)}` : null);
  return {
    id: event.id,
    label: event.label,
    // Beyond the contract: the zone a zone event concerns (zone entered, zone left, loitering).
    zone: event.zone,
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
    review: toCabinReview(event, job),
  };
}

export function toCabinResults(
  job: Job,
  list: { total: number; items: AnalysisEvent[] },
  page: { page: number; pageSize: number },
  base: string,
  reviewed: ReviewCounts,
  zones: ZoneCounts,
) {
  const start = (page.page - 1) * page.pageSize;
  const mediaBase = `${base}/api/jobs/${job.id}/media`;
  return {
    job_id: job.id,
    trip_id: job.tripId,
    events: list.items.map((event) => toCabinEvent(event, mediaBase, job)),
    page: page.page,
    page_size: page.pageSize,
    total: list.total,
    start: Math.min(start, list.total),
    end: Math.min(start + list.items.length, list.total),
    total_pages: Math.ceil(list.total / page.pageSize),
    // Beyond the contract: how many events have each verdict, rejected ones listed or not.
    reviewed,
    // Beyond the contract: per zone, people entering, leaving and loitering.
    zones,
  };
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
