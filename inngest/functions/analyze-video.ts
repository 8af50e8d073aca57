import { db } from "@/lib/db/client";
import { makeEventMedia, makeJobProxy } from "@/lib/analysis/event-media";
import { findEvents } from "@/lib/analysis/find-events";
import { detectChunk, planDetection, type DetectionPlan } from "@/lib/analysis/detect-chunk";
import { analysisTracking, trackJob } from "@/lib/analysis/track-job";
import { appendJobLog, reportProgress } from "@/lib/jobs";
import { jobFunction, nonRetriable } from "./_job-function";

/**
 * analyze-video (ARCHITECTURE.md, "The analysis pipeline"): probe and validate, split into
 * chunks, one parallel step per chunk on the worker (rows saved inside the step), ByteTrack
 * over the whole video, event rules, then a snapshot pair and a clip per event. Steps are
 * idempotent and return summaries; progress is frames analysed out of frames planned.
 */
export default jobFunction("analyze-video", "analyze", async ({ jobId, payload: options, source, step }) => {
  // The file is the job's registered video (payload.videoId), resolved for its owner in the
  // start step: the payload itself names no path.
  const plan: DetectionPlan = await step.run("probe", async () => {
    const database = await db();
    await reportProgress(database, jobId, { processed: 0, total: 0, phase: "probe", currentStep: "Checking the video" });
    const plan = await planDetection(source.file, options.checked, options).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    await reportProgress(database, jobId, { processed: 0, total: plan.total, phase: "detect", currentStep: `Detecting objects in ${plan.total} frames` });
    await appendJobLog(database, jobId, `Video ${plan.width}x${plan.height}, ${plan.duration.toFixed(1)} s at ${plan.sourceFps.toFixed(2)} fps (${plan.codec}); sampling ${plan.fps} fps in ${plan.chunks.length} chunks`);
    return plan;
  });

  // The web-playable proxy is encoded while the chunks are analysed.
  const proxyStep = step.run("proxy", async () => {
    const proxy = await makeJobProxy(jobId, source.file, { duration: plan.duration });
    await appendJobLog(await db(), jobId, "Made a web-playable copy of the video");
    return proxy;
  });
  proxyStep.catch(() => undefined); // awaited (and its failure thrown) before the media step
  const chunkSteps = Promise.all(
    plan.chunks.map((chunk, i) =>
      step.run(`analyze-chunk-${i + 1}`, async () => {
        const database = await db();
        const request = { path: source.file, start: chunk.start, end: chunk.end, fps: plan.fps, tasks: options.tasks, thresholds: { detect: options.detectThreshold }, source: plan.source };
        const { frames, detections: found } = await detectChunk(database, jobId, request, (processed) => ({
          total: plan.total,
          phase: "detect",
          currentStep: `Detecting objects (${processed}/${plan.total} frames)`,
        }));
        await appendJobLog(database, jobId, `Chunk ${i + 1}/${plan.chunks.length} (${chunk.start}-${chunk.end} s): ${frames} frames, ${found} detections`);
        return { frames, detections: found };
      }),
    ),
  );
  // Tracking and events need the detections only; the proxy is awaited where the media needs it.
  const chunkResults = await chunkSteps;
  const frames = chunkResults.reduce((sum, r) => sum + r.frames, 0);
  const detections = chunkResults.reduce((sum, r) => sum + r.detections, 0);

  const tracked = await step.run("track", async () => {
    const database = await db();
    await reportProgress(database, jobId, { processed: frames, total: frames, phase: "track", currentStep: "Tracking objects across the video" });
    const result = await trackJob(database, jobId, analysisTracking({ ...options, fps: plan.fps }, plan));
    await appendJobLog(database, jobId, `Tracking: ${result.tracks} tracks over ${result.frames} frames`);
    return result;
  });

  const eventCount = await step.run("events", async () => {
    const database = await db();
    await reportProgress(database, jobId, { processed: frames, total: frames, phase: "events", currentStep: "Finding events" });
    const count = await findEvents(database, jobId, options.rules, { frameSize: plan, zones: options.zones });
    await appendJobLog(database, jobId, `Events: ${count}`);
    return count;
  });

  // One step for all the evidence: from the proxy, an event costs milliseconds, and a step per
  // event would spend more on orchestration than on media.
  const proxy = await proxyStep;
  await step.run("media", async () => {
    const database = await db();
    await reportProgress(database, jobId, { processed: frames, total: frames, phase: "media", currentStep: `Cutting snapshots and clips (${eventCount} events)` });
    const made = await makeEventMedia(database, jobId, { proxy, duration: plan.duration, frameRate: plan.sourceFps }, { preRoll: options.preRoll, postRoll: options.postRoll });
    await appendJobLog(database, jobId, `Media: snapshots and clips for ${made} events`);
    return made;
  });

  return { frames, detections, tracks: tracked.tracks, tracking: tracked, events: eventCount, fps: plan.fps, duration: plan.duration };
});
