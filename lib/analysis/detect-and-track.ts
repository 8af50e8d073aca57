import { NonRetriableError, type GetStepTools, type Inngest } from "inngest";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import type { AnalyzeRequestInput } from "@/lib/inference/worker-protocol";
import { appendJobLog, reportProgress } from "@/lib/jobs";
import type { VideoTrackerOptions } from "@/lib/tracking/video-tracker";
import { detectChunk, planDetection, type DetectionPlan } from "./detect-chunk";
import type { CheckedVideo } from "./start-analysis";
import { trackJob, type TrackingSummary } from "./track-job";

export type DetectAndTrackOptions = {
  checked?: CheckedVideo;
  fps: number;
  chunkSeconds: number;
  tasks: AnalyzeRequestInput["tasks"];
  thresholds?: AnalyzeRequestInput["thresholds"];
  /** Names the chunk steps: `${chunkStep}-${i + 1}`. Step ids are memo keys: never rename one. */
  chunkStep: string;
  tracking: (plan: DetectionPlan) => VideoTrackerOptions;
  /** Called once the plan is known, before the chunk steps start (analyze starts its proxy step here). */
  onPlan?: (plan: DetectionPlan) => void;
};

/**
 * The steps analyze-video and reframe-video share: "probe" (the video checked again and split
 * into chunks; a video no longer usable fails at once), one parallel step per chunk on the
 * worker (rows saved inside the step), then "track" (ByteTrack over the whole video, so ids
 * hold across chunks). Each step is idempotent and returns a summary; progress is frames
 * analysed out of frames planned.
 */
export async function detectAndTrack(
  step: Pick<GetStepTools<Inngest.Any>, "run">,
  jobId: string,
  file: string,
  options: DetectAndTrackOptions,
): Promise<{ plan: DetectionPlan; frames: number; detections: number; tracked: TrackingSummary }> {
  const plan: DetectionPlan = await step.run("probe", async () => {
    const database = await db();
    await reportProgress(database, jobId, { processed: 0, total: 0, phase: "probe", currentStep: "Checking the video" });
    // A video that is no longer usable will not become usable on a retry.
    const plan = await planDetection(file, options.checked, options).catch((error: unknown) => {
      throw isAppError(error) ? new NonRetriableError(error.message) : error;
    });
    await reportProgress(database, jobId, { processed: 0, total: plan.total, phase: "detect", currentStep: `Detecting objects (0/${plan.total} frames)` });
    await appendJobLog(database, jobId, `Video ${plan.width}x${plan.height}, ${plan.duration.toFixed(1)} s at ${plan.sourceFps.toFixed(2)} fps (${plan.codec}); sampling ${plan.fps} fps in ${plan.chunks.length} chunks`);
    return plan;
  });
  options.onPlan?.(plan);

  const chunkResults = await Promise.all(
    plan.chunks.map((chunk, i) =>
      step.run(`${options.chunkStep}-${i + 1}`, async () => {
        const database = await db();
        const request = { path: file, start: chunk.start, end: chunk.end, fps: plan.fps, tasks: options.tasks, thresholds: options.thresholds, source: plan.source };
        const result = await detectChunk(database, jobId, request, (processed) => ({
          total: plan.total,
          phase: "detect",
          currentStep: `Detecting objects (${processed}/${plan.total} frames)`,
        }));
        await appendJobLog(database, jobId, `Chunk ${i + 1}/${plan.chunks.length} (${chunk.start}-${chunk.end} s): ${result.frames} frames, ${result.detections} detections`);
        return result;
      }),
    ),
  );
  const frames = chunkResults.reduce((sum, r) => sum + r.frames, 0);
  const detections = chunkResults.reduce((sum, r) => sum + r.detections, 0);

  const tracked = await step.run("track", async () => {
    const database = await db();
    await reportProgress(database, jobId, { processed: frames, total: frames, phase: "track", currentStep: "Tracking objects across the video" });
    const result = await trackJob(database, jobId, options.tracking(plan));
    await appendJobLog(database, jobId, `Tracking: ${result.tracks} tracks over ${result.frames} frames`);
    return result;
  });
  return { plan, frames, detections, tracked };
}
