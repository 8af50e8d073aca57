import { db } from "@/lib/db/client";
import { detectAndTrack } from "@/lib/analysis/detect-and-track";
import { describeScenes } from "@/lib/reframer/describe-scenes";
import { followSubject } from "@/lib/reframer/follow-subject";
import { hearSpeech } from "@/lib/reframer/hear-speech";
import { segmentMasks } from "@/lib/reframer/segment-masks";
import { reframeTracking } from "@/lib/reframer/tracking";
import { jobFunction } from "./_job-function";

/**
 * reframe-video (contracts/reframer.md, POST /process): the analysis pipeline's pieces (probe,
 * detector chunks on the worker, ByteTrack), then masks of the tracked objects, speech, shots,
 * and, when an aspect was asked for, the subject-following crop. Detections and tracks go to the
 * analysis tables; masks to an NDJSON file in the job's media folder; the small rest
 * (metadata, scenes, the reframe's figures) to the job's result. The work is lib/reframer's.
 */
export default jobFunction("reframe-video", "reframe", async ({ jobId, payload, source, step }) => {
  const { plan, frames, tracked } = await detectAndTrack(step, jobId, source.file, {
    checked: payload.checked,
    fps: payload.fps,
    chunkSeconds: 30,
    tasks: ["detect"],
    chunkStep: "detect-chunk",
    tracking: reframeTracking,
  });

  const every = Math.max(1, Math.round(plan.fps));
  const segmented = await step.run("segment", async () => segmentMasks(await db(), jobId, source.file, plan, every));
  const speech = await step.run("speech", async () => hearSpeech(await db(), jobId, source.file));
  const scenes = await step.run("scenes", async () => describeScenes(await db(), jobId, source.file, plan, { colours: segmented.colours, heardSpeech: speech.words > 0 }));
  const aspect = payload.aspect;
  const reframe = aspect ? await step.run("render", async () => followSubject(await db(), jobId, source.file, plan, scenes, aspect)) : null;

  return {
    metadata: { duration_seconds: round(plan.duration), width: plan.width, height: plan.height, fps: round(plan.sourceFps), codec: plan.codec, total_frames: Math.round(plan.duration * plan.sourceFps) },
    sample_fps: plan.fps,
    frames,
    tracks: tracked.tracks,
    masks: { count: segmented.masks, frames: segmented.frames, every_nth_sampled_frame: every, methods: segmented.methods },
    scenes: scenes.map(({ subjectId: _id, ...scene }) => scene),
    reframe,
  };
});

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
