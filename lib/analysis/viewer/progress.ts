/**
 * How far a job is, over all of its phases, and how long it has left. The job reports frames
 * for its detection phase only; the analysis then tracks, finds events and cuts media with
 * `processed = total`. Counted by frames alone, the bar sat at 100% through those phases with
 * no estimate. Here each analysis phase owns a share of the bar, so the fraction keeps below 1
 * until the job has ended and the estimate (the rate so far) covers every phase. Pure: the
 * job page's components and the tests share it.
 */

/**
 * An analysis's phases (lib/analysis/detect-and-track.ts, inngest/functions/analyze-video.ts) and
 * the share of the bar each starts and ends at: detection is most of the work; snapshots and
 * clips are cut with ffmpeg per event and take the next most.
 */
const analysisPhases: Record<string, [number, number]> = {
  probe: [0, 0.02],
  detect: [0.02, 0.88],
  track: [0.88, 0.92],
  events: [0.92, 0.94],
  media: [0.94, 0.995],
};

/** The bar never claims "done" before the job says so. */
const MOST_BEFORE_END = 0.99;

export type ProgressInput = { status: string; phase: string | null; processed: number; total: number };

/** 0..1 over the whole job. Other kinds of job (no analysis phases) go by their frames. */
export function overallProgress(job: ProgressInput): number {
  if (job.status === "completed") return 1;
  const frames = job.total > 0 ? Math.min(1, Math.max(0, job.processed / job.total)) : 0;
  const span = job.phase ? analysisPhases[job.phase] : undefined;
  // A phase after detection reports all frames done: the phase itself is only begun.
  const within = span ? (job.phase === "detect" || job.phase === "probe" ? frames : 0) : frames;
  const fraction = span ? span[0] + (span[1] - span[0]) * within : frames;
  return Math.min(MOST_BEFORE_END, fraction);
}

/** What the bar says: a whole percent, 100 only once the job has completed. */
export function progressPercent(job: ProgressInput): number {
  return job.status === "completed" ? 100 : Math.min(99, Math.floor(overallProgress(job) * 100));
}

/**
 * Seconds left at the rate so far, `elapsed × (1 − fraction) / fraction`; null before there is
 * a rate to go by (under 1% done, or a second in). A job past detection keeps an estimate:
 * its fraction stays below 1 until it ends.
 */
export function remainingSeconds(elapsedSeconds: number, fraction: number): number | null {
  if (!(fraction >= 0.01) || !(elapsedSeconds >= 1) || fraction >= 1) return null;
  return (elapsedSeconds * (1 - fraction)) / fraction;
}

/**
 * The job controls' estimate: none until the job has done some of its own work (a frame
 * detected, or a phase past detection), since the phases' fixed shares alone give no rate.
 */
export function remainingForJob(job: ProgressInput, elapsedSeconds: number): number | null {
  const beforeWork = job.processed <= 0 && (job.phase === null || job.phase === "probe" || job.phase === "detect" || !(job.phase in analysisPhases));
  return beforeWork ? null : remainingSeconds(elapsedSeconds, overallProgress(job));
}
