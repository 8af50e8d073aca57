import { NonRetriableError } from "inngest";
import type { Db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { reportProgress } from "@/lib/jobs";
import { countAnalysedFrames, saveFrames } from "./save-frames";
import { analyzeRange, WorkerRequestError, type AnalyzeRangeRequest, type WorkerFrame } from "./worker-client";

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
