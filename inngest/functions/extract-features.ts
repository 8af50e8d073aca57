import { eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import {
  collectProductImage,
  collectVideoAndFrames,
  dropStagedImages,
  extractFrameFeatures,
  extractProductImageFeatures,
  failedItems,
  FRAMES_PER_STEP,
  planCollect,
} from "@/lib/features/run-job";
import type { ExtractFeaturesPayload } from "@/lib/features/job-kinds";
import { parseJobPayload } from "@/lib/jobs/payloads";
import { jobFunction } from "./_job-function";

/** A failed job's staged images (its payload read back, checked as the job checks it). */
async function dropJobStagedImages(jobId: string): Promise<void> {
  const [job] = await (await db()).select({ payload: jobs.payload }).from(jobs).where(eq(jobs.id, jobId));
  if (!job) return;
  let payload: ExtractFeaturesPayload;
  try {
    payload = parseJobPayload("extract_features", job.payload);
  } catch {
    return; // a payload the job refused staged nothing it knows of
  }
  await dropStagedImages(payload);
}

/**
 * extract_features (contracts/feature-extraction.md, issue 13): collect product images and
 * videos (a failing item is recorded with its reason and the job goes on), frames at fps and
 * at shot cuts, then segment / embedding / keypoints for every image and frame. Progress runs
 * on a 0..1000 scale: collecting 0-200, frame_extraction 200-300, feature_extraction 300-1000.
 */
export default jobFunction("extract-features", "extract_features", async ({ jobId, payload, step, progress }) => {
  const plan = await step.run("plan", async () => {
    const result = await planCollect(await db(), jobId, payload);
    await progress(0, 1000, "collecting", `Collecting ${result.images.length} product images and ${result.videos.length} videos`);
    return result;
  });
  const ownerId = await step.run("owner", async () => (await (await db()).select({ ownerId: jobs.ownerId }).from(jobs).where(eq(jobs.id, jobId)))[0]?.ownerId ?? null);
  const items = plan.images.length + plan.videos.length;

  // Counters advance outside the steps: a replayed (memoized) step does not run its body.
  let collected = 0;
  for (const imgId of plan.images) {
    const after = ++collected;
    await step.run(`collect-image-${imgId}`, async () => {
      const ok = await collectProductImage(await db(), jobId, imgId);
      await progress(Math.round((200 * after) / Math.max(1, items)), 1000, "collecting", ok ? undefined : `Image ${imgId} could not be collected`);
      return ok;
    });
  }
  // Every image is in the job's media folder now: the multipart request's staged copies go.
  await step.run("drop-staged-images", () => dropStagedImages(payload));
  const frameCounts: { videoId: string; frames: number }[] = [];
  for (const video of plan.videos) {
    const after = ++collected;
    const frames = await step.run(`collect-video-${video.position}`, async () => {
      await progress(Math.round((200 * (after - 1)) / Math.max(1, items)), 1000, "frame_extraction");
      const count = await collectVideoAndFrames(await db(), jobId, ownerId, payload, video.position, video.videoId);
      await progress(200 + Math.round((100 * after) / Math.max(1, items)), 1000, "frame_extraction", count === null ? `Video ${video.videoId} could not be collected` : `Video ${video.videoId}: ${count} frames`);
      return count;
    });
    if (frames) frameCounts.push({ videoId: video.videoId, frames });
  }

  const assets = plan.images.length + frameCounts.reduce((sum, video) => sum + video.frames, 0);
  let done = 0;
  const advanceTo = (value: number) => progress(300 + Math.round((700 * value) / Math.max(1, assets)), 1000, "feature_extraction");
  done += plan.images.length;
  const afterImages = done;
  await step.run("features-images", async () => {
    await advanceTo(0);
    const count = await extractProductImageFeatures(await db(), jobId, payload.features);
    await advanceTo(afterImages);
    return count;
  });
  for (const video of frameCounts) {
    for (let offset = 0; offset < video.frames; offset += FRAMES_PER_STEP) {
      done += Math.min(FRAMES_PER_STEP, video.frames - offset);
      const afterChunk = done;
      await step.run(`features-${video.videoId}-${offset}`, async () => {
        const count = await extractFrameFeatures(await db(), jobId, video.videoId, offset, payload.features);
        await advanceTo(afterChunk);
        return count;
      });
    }
  }

  return step.run("summary", async () => {
    const failed = await failedItems(await db(), jobId);
    return { images: plan.images.length, videos: plan.videos.length, frames: assets - plan.images.length, features: payload.features, failed_items: failed };
  });
}, dropJobStagedImages);
