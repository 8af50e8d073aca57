import { stat } from "node:fs/promises";
import { NonRetriableError } from "inngest";
import type { Db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { reportProgress } from "@/lib/jobs";
import { countAnalysedFrames, saveFrames } from "./save-frames";
import { recheckVideo, type CheckedVideo } from "./start-analysis";
import { analyzeRange, WorkerRequestError, type AnalyzeRangeRequest, type WorkerFrame } from "@/lib/inference/worker-client";
import type { SourceHint } from "@/lib/inference/worker-protocol";

/** What the probe step of analyze-video and reframe-video decides: the sampling and its chunks. */
export type DetectionPlan = {
  fps: number;
  sourceFps: number;
  total: number;
  duration: number;
  width: number;
  height: number;
  codec: string | null;
  chunks: { start: number; end: number }[];
  /** The probe handed to the worker with each chunk: the file is probed once per job. */
  source?: SourceHint;
};

/**
 * The video checked again (the request's probe while the file is unchanged) and split into
 * chunks of `chunkSeconds`, sampled at `fps` but never faster than the video runs, so that
 * frame indices stay unique. Throws the check's AppError for a file that is no longer usable.
 */
export async function planDetection(file: string, checked: CheckedVideo | undefined, options: { fps: number; chunkSeconds: number }): Promise<DetectionPlan> {
  // Stamped before the check: the worker trusts this probe only while the file keeps this
  // size and time, so a file changed in between is probed again rather than misread.
  const stamp = await stat(file).catch(() => undefined);
  const probe = await recheckVideo({ path: file, checked });
  const fps = Math.min(options.fps, probe.fps || options.fps);
  const chunkSeconds = Math.max(1, Math.round(options.chunkSeconds * fps)) / fps;
  const chunks: DetectionPlan["chunks"] = [];
  for (let start = 0; start < probe.duration; start += chunkSeconds) {
    chunks.push({ start: roundSeconds(start), end: roundSeconds(Math.min(probe.duration, start + chunkSeconds)) });
  }
  const source = stamp && { size: stamp.size, mtimeMs: stamp.mtimeMs, width: probe.width, height: probe.height, fps: probe.fps, duration: probe.duration };
  return {
    fps,
    sourceFps: probe.fps,
    total: Math.ceil(probe.duration * fps - 1e-6),
    duration: probe.duration,
    width: probe.width,
    height: probe.height,
    codec: probe.codec,
    chunks,
    source,
  };
}

function roundSeconds(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/**
 * One chunk of a video through the worker with its frames saved as they come (once a second,
 * or every 50 frames when they come faster: each write is a transaction and a progress update,
 * which on 2 cores is CPU taken from the detector), progress reported after each save and the job's MAX_JOB_MINUTES checked
 * there (the local engine does not enforce Inngest's `timeouts`, so the limit is checked where
 * the time goes). The chunk step of analyze-video and reframe-video.
 */
export async function detectChunk(
  database: Db,
  jobId: string,
  request: AnalyzeRangeRequest,
  progress: (processed: number) => { total: number; phase: string; currentStep: string },
): Promise<{ frames: number; detections: number }> {
  let frames = 0;
  let found = 0;
  const batch: WorkerFrame[] = [];
  let flushedAt = Date.now();
  // A cancelled (or deleted) job stops the worker's decode at the next save, not at the chunk's end.
  const stop = new AbortController();
  const flush = async () => {
    flushedAt = Date.now();
    await saveFrames(database, jobId, batch);
    batch.length = 0;
    const processed = await countAnalysedFrames(database, jobId);
    const job = await reportProgress(database, jobId, { processed, ...progress(processed) });
    if (!job) {
      stop.abort();
      throw new NonRetriableError("Job was cancelled");
    }
    const limitMinutes = env().MAX_JOB_MINUTES;
    if (job?.startedAt && Date.now() - job.startedAt.getTime() > limitMinutes * 60_000) {
      throw new NonRetriableError(`Job exceeded the ${limitMinutes}-minute limit after ${processed} frames`);
    }
  };
  try {
    for await (const frame of analyzeRange(request, stop.signal)) {
      batch.push(frame);
      frames += 1;
      found += frame.detections.length;
      if (batch.length >= 50 || Date.now() - flushedAt >= 1000) await flush();
    }
    await flush();
  } catch (error) {
    if (error instanceof WorkerRequestError) throw new NonRetriableError(error.message);
    throw error;
  }
  return { frames, detections: found };
}
