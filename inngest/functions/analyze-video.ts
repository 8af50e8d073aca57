import { db } from "@/lib/db/client";
import { makeEventMedia, makeJobProxy } from "@/lib/analysis/event-media";
import { findEvents } from "@/lib/analysis/find-events";
import { detectAndTrack } from "@/lib/analysis/detect-and-track";
import { analysisTracking } from "@/lib/analysis/track-job";
import { appendJobLog, reportProgress } from "@/lib/jobs";
import { jobFunction } from "./_job-function";

/**
 * analyze-video (ARCHITECTURE.md, "The analysis pipeline"): probe and validate, split into
 * chunks, one parallel step per chunk on the worker (rows saved inside the step), ByteTrack
 * over the whole video, event rules, then a snapshot pair and a clip per event. Steps are
 * idempotent and return summaries; progress is frames analysed out of frames planned.
 */
export default jobFunction("analyze-video", "analyze", async ({ jobId, payload: options, source, step }) => {
  // The file is the job's registered video (payload.videoId), resolved for its owner in the
  // start step: the payload itself names no path. The web-playable proxy is encoded while the
  // chunks are analysed; it is awaited (and its failure thrown) before the media step.
  let proxyStep: Promise<string> | undefined;
  const { plan, frames, detections, tracked } = await detectAndTrack(step, jobId, source.file, {
    ...options,
    thresholds: { detect: options.detectThreshold },
    chunkStep: "analyze-chunk",
    tracking: (plan) => analysisTracking({ ...options, fps: plan.fps }, plan),
    onPlan: (plan) => {
      proxyStep = step.run("proxy", async () => {
        const proxy = await makeJobProxy(jobId, source.file, { duration: plan.duration });
        await appendJobLog(await db(), jobId, "Made a web-playable copy of the video");
        return proxy;
      });
      proxyStep.catch(() => undefined);
    },
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
  const proxy = await proxyStep!;
  await step.run("media", async () => {
    const database = await db();
    await reportProgress(database, jobId, { processed: frames, total: frames, phase: "media", currentStep: `Cutting snapshots and clips (${eventCount} events)` });
    const made = await makeEventMedia(database, jobId, { proxy, duration: plan.duration, frameRate: plan.sourceFps }, { preRoll: options.preRoll, postRoll: options.postRoll });
    await appendJobLog(database, jobId, `Media: snapshots and clips for ${made} events`);
    return made;
  });

  return { frames, detections, tracks: tracked.tracks, tracking: tracked, events: eventCount, fps: plan.fps, duration: plan.duration };
});
