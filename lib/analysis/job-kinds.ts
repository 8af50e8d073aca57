import { z } from "zod";
import type { SingleSourceJobKind } from "@/lib/jobs/job-kind";
import { DEFAULT_THRESHOLDS, MAX_SAMPLE_FPS, TASKS } from "@/lib/inference/worker-protocol";
import { DEFAULT_SCENE_PROFILE, SCENE_PROFILES } from "@/lib/tracking/scene-profiles";
import { checkedVideoSchema, editorSource, oneSourceOf, uuid, withOneSource } from "@/lib/videos/payload-fields";
import { eventRulesSchema, zonesSchema } from "./events/detect-events";
import { DEFAULT_ANALYSIS_FPS } from "./options-form";
import { toAnnotateJob, toCabinJobSummary } from "./serializers/cabin-events";

/** How a job analyses its video; every field has a default, a request may override any. */
export const analysisOptionsSchema = z
  .object({
    fps: z.number().positive().max(MAX_SAMPLE_FPS).default(DEFAULT_ANALYSIS_FPS),
    /** Which classes are tracked and reported (lib/tracking/scene-profiles.ts). */
    profile: z.enum(SCENE_PROFILES).default(DEFAULT_SCENE_PROFILE),
    tasks: z.array(z.enum(TASKS)).min(1).default(["detect"]),
    /** Seconds of video per parallel step. */
    chunkSeconds: z.number().min(2).max(600).default(30),
    /** Detector score floor; lower scores still help the tracker's second association. */
    detectThreshold: z.number().min(0.05).max(0.95).default(DEFAULT_THRESHOLDS.detect),
    /** ByteTrack settings (lib/tracking/bytetrack.ts); the buffer is in seconds here. */
    tracker: z
      .object({
        highThreshold: z.number().min(0).max(1),
        lowThreshold: z.number().min(0).max(1),
        newTrackThreshold: z.number().min(0).max(1),
        matchThreshold: z.number().min(0).max(1),
        bufferSeconds: z.number().min(0).max(60),
      })
      .partial()
      .strict()
      .default({}),
    /**
     * When a track is a result (lib/tracking/video-tracker.ts `defaultConfirmation`,
     * chosen with eval:analysis); a caller may loosen or tighten any of them.
     */
    confirmation: z
      .object({
        minSeconds: z.number().min(0).max(60),
        minScore: z.record(z.string().min(1), z.number().min(0).max(1)),
        stationaryMaxScore: z.number().min(0).max(1),
        minArea: z.number().min(0).max(1),
        maxArea: z.number().min(0).max(1),
        stitchSeconds: z.number().min(0).max(30),
        maxAppearanceDistance: z.number().min(0).max(2),
      })
      .partial()
      .strict()
      .default({}),
    preRoll: z.number().min(0).max(30).default(2),
    postRoll: z.number().min(0).max(30).default(2),
    rules: eventRulesSchema.default(eventRulesSchema.parse({})),
    /** Named areas of the frame (corners in 0..1): zone entered, zone left and loitering events. */
    zones: zonesSchema,
  })
  .strict();

/** `analyze` is made by the cabin-events routes only; its video is the job's registered one. */
const analyzePayload = analysisOptionsSchema.extend({
  videoId: uuid,
  duration: z.number().nonnegative(),
  filename: z.string().max(1024),
  checked: checkedVideoSchema.optional(),
});
export type AnalysisPayload = z.output<typeof analyzePayload>;

/** contracts/cabin-events.md: detect, track and find events in a registered video. */
export const analyze: SingleSourceJobKind<typeof analyzePayload> = {
  event: "video/analysis.requested",
  payload: analyzePayload,
  source: (payload) => ({ source_asset_id: payload.videoId }),
  status: toCabinJobSummary,
};

const annotatePayload = withOneSource(editorSource.extend({ analysis_job_id: uuid }));

/** The analysed video with its boxes burned in (POST /api/jobs/{job_id}/annotated). */
export const annotate: SingleSourceJobKind<typeof annotatePayload> = {
  event: "video/annotate.requested",
  payload: annotatePayload,
  source: oneSourceOf,
  status: toAnnotateJob,
};
