import { z } from "zod";
import type { RunnableJobKind } from "@/inngest/events";
import { eventRulesSchema, zonesSchema } from "@/lib/analysis/events/detect-events";
import { DEFAULT_ANALYSIS_FPS } from "@/lib/analysis/options-form";
import { DEFAULT_SCENE_PROFILE, SCENE_PROFILES } from "@/lib/tracking/scene-profiles";
import { DEFAULT_THRESHOLDS, MAX_SAMPLE_FPS, TASKS } from "@/lib/inference/worker-protocol";
import { AppError } from "@/lib/errors";
import { env } from "@/lib/env";
import { ENHANCE_PRESETS } from "@/lib/media/enhance";
import { offlineLanguage } from "@/lib/speech/transcribe";
import { MAX_VIDEO_NAME_BYTES } from "@/lib/media/server-videos";
import { OVERLAY_POSITIONS } from "@/lib/editor/overlay-positions";

/**
 * Every job kind's payload (ARCHITECTURE.md, "Security model"). Checked when the job is
 * created (a bad request naming the field) and again in the job function's first step (the
 * row may have been written by an older version). A payload names its video only as
 * `source_asset_id` (a video the caller may see) or `video_name` (a file in VIDEO_INPUT_DIR),
 * resolved by lib/videos/resolve-source.ts; never as a host path. The editor contract allows
 * arbitrary configuration, so unknown fields stay in the payload, but no code reads them.
 */

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a video id");

/** `path` used to name a host file: refused outright, so an old client learns why. */
const hostPath = z.never({ error: "naming a file on the server is not allowed; give source_asset_id or video_name" }).optional();

const editorSource = z.looseObject({
  source_asset_id: uuid.optional(),
  video_name: z
    .string()
    .min(1, "must not be empty")
    .refine((name) => Buffer.byteLength(name) <= MAX_VIDEO_NAME_BYTES, `must be at most ${MAX_VIDEO_NAME_BYTES} bytes`)
    .optional(),
  path: hostPath,
});

function withOneSource<S extends z.ZodType<{ source_asset_id?: string; video_name?: string }>>(schema: S, missing = "give source_asset_id or video_name", optional?: (payload: z.output<S>) => boolean) {
  return schema.superRefine((payload, context) => {
    const given = [payload.source_asset_id, payload.video_name].filter((value) => value !== undefined).length;
    if (given === 0 && optional?.(payload)) return;
    if (given !== 1) {
      context.addIssue({
        code: "custom",
        path: [given === 0 ? "source_asset_id" : "video_name"],
        message: given === 0 ? missing : "give source_asset_id or video_name, not both",
      });
    }
  });
}

type Segment = { source_asset_id?: string; video_name?: string };
const namesItsVideo = (segment: Segment) => segment.source_asset_id !== undefined || segment.video_name !== undefined;

/**
 * render's source is the video of the segments that name none (or, without segments, the whole
 * timeline), so it is needed only then. Without one, the job's video (the one sourceOf gives,
 * resolved and checked like any other) is its first segment's.
 */
function withTimelineSource<S extends z.ZodType<Segment & { segments?: Segment[] }>>(schema: S) {
  return withOneSource(schema, "give source_asset_id or video_name, or one in every segment", (payload) => Boolean(payload.segments?.every(namesItsVideo))).transform(
    (payload): z.output<S> => {
      if (namesItsVideo(payload)) return payload;
      const [first] = payload.segments!;
      return { ...payload, ...(first.source_asset_id !== undefined ? { source_asset_id: first.source_asset_id } : { video_name: first.video_name }) };
    },
  );
}

/**
 * A transcript's language: any code when ASR_BASE_URL names a server (it decides), otherwise
 * one the offline recogniser has a model for (lib/speech/transcribe.ts), refused clearly.
 */
const speechLanguage = z
  .string()
  .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$/, "must be a language code such as en")
  .optional()
  .superRefine((language, context) => {
    if (language === undefined || env().ASR_BASE_URL) return;
    try {
      offlineLanguage(language);
    } catch (error) {
      context.addIssue({ code: "custom", message: error instanceof Error ? error.message.replace(/^Request body 'language': /, "") : String(error) });
    }
  });

/** `9:16`, `1:1`, `16:9`, `4:5`: width to height. */
const aspectRatio = z.string().regex(/^[1-9]\d?:[1-9]\d?$/, "must be width:height, e.g. 9:16");

/** What export can write (inngest/functions/export.ts). */
export const exportFormats = ["srt", "vtt", "txt", "json", "scenes_csv", "edl", "coco", "mot", "detections_csv", "tracks_csv", "events_csv", "mp4", "mkv", "mov"] as const;
/** Formats read from an analysis job (`analysis_job_id`). */
export const analysisExportFormats: readonly string[] = ["coco", "mot", "detections_csv", "tracks_csv", "events_csv"];

const seconds = z.number().finite().min(0).max(24 * 3600);

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

/**
 * The request's validation of the file, with its size and modification time then: the job's
 * probe step trusts it while the file is unchanged.
 */
export const checkedVideoSchema = z.object({
  size: z.number(),
  mtimeMs: z.number(),
  duration: z.number(),
  fps: z.number(),
  width: z.number(),
  height: z.number(),
  codec: z.string().nullable(),
});

/** `analyze` is made by the cabin-events routes only; its video is the job's registered one. */
const analyzePayload = analysisOptionsSchema.extend({
  videoId: uuid,
  duration: z.number().nonnegative(),
  filename: z.string().max(1024),
  checked: checkedVideoSchema.optional(),
});

/** Feature extraction (contracts/feature-extraction.md; issue 13's request body). */
export const FEATURE_KINDS = ["segment", "embedding", "keypoints"] as const;
export const MAX_FEATURE_FPS = 10;
const httpUrl = z
  .string()
  .max(2048, "must be at most 2048 characters")
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), "must be an http(s) URL");
const featureId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "must be 1-64 letters, digits, '_', '.' or '-'");
const featureVideo = editorSource
  .extend({
    url: httpUrl.optional(),
    title: z.string().max(500).optional(),
    platform: z.string().max(40).optional(),
  })
  .superRefine((video, context) => {
    const given = [video.url, video.source_asset_id, video.video_name].filter((value) => value !== undefined).length;
    if (given !== 1) context.addIssue({ code: "custom", path: ["url"], message: "give exactly one of url, video_name or source_asset_id" });
  });
const extractFeaturesPayload = z
  .looseObject({
    products: z
      .array(
        z.looseObject({
          product_id: featureId,
          title: z.string().max(500).optional(),
          images: z.array(httpUrl).max(50).default([]),
          /** Files sent with a multipart request, moved into the job (set by the route, not by callers). */
          uploaded_images: z.array(z.string().regex(/^upload_[0-9a-f-]{36}\.[a-z0-9]{1,8}$/)).max(50).optional(),
        }),
      )
      .max(500)
      .default([]),
    videos: z.array(featureVideo).max(100).default([]),
    fps: z.number().positive().max(MAX_FEATURE_FPS).default(1),
    /** Shot-cut threshold for ffmpeg's scene score (0..1); a frame is also kept at every cut. */
    scene_threshold: z.number().min(0.05).max(1).default(0.3),
    features: z.array(z.enum(FEATURE_KINDS)).min(1).default([...FEATURE_KINDS]),
  })
  .superRefine((payload, context) => {
    if (payload.products.length === 0 && payload.videos.length === 0) context.addIssue({ code: "custom", path: ["products"], message: "give products, videos or both" });
    const ids = payload.products.map((product) => product.product_id);
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
    if (duplicate) context.addIssue({ code: "custom", path: ["products"], message: `product_id ${duplicate} is given twice` });
  });

/** The crop shapes POST /process takes (contracts/reframer.md; README "Video Reframer"). */
export const reframeAspects = ["9:16", "1:1", "4:5", "16:9"] as const;

/** `reframe` is made by POST /process only, for the video it registered. */
const reframePayload = z
  .object({
    videoId: uuid,
    duration: z.number().nonnegative(),
    filename: z.string().max(1024),
    fps: z.number().positive().max(MAX_SAMPLE_FPS).default(5),
    aspect: z.enum(reframeAspects).optional(),
    checked: checkedVideoSchema.optional(),
  })
  .strict();

export const jobPayloadSchemas = {
  analyze: analyzePayload,
  ingest: withOneSource(editorSource),
  transcribe: withOneSource(editorSource.extend({ language: speechLanguage })),
  generate_clip: withOneSource(
    editorSource
      .extend({
        start: seconds.optional(),
        end: seconds.optional(),
        /** Words spoken in the video (matched against its transcript); the moments they are said. */
        prompt: z.string().trim().min(1, "must not be empty").max(200).optional(),
        language: speechLanguage,
        /** Seconds of fade at each end of a clip (0 for none). */
        fade: z.number().min(0).max(2).default(0.15),
        aspect: aspectRatio.optional(),
        height: z.number().int().min(144).max(2160).optional(),
        max_clips: z.number().int().min(1).max(20).default(5),
        /** An analyze job of the same video: a prompt may then name a detected class or text OCR read. */
        analysis_job_id: uuid.optional(),
      })
      .refine((clip) => clip.end === undefined || clip.end > (clip.start ?? 0), {
        path: ["end"],
        message: "must be after start",
      })
      .refine((clip) => !(clip.prompt !== undefined && (clip.start !== undefined || clip.end !== undefined)), {
        path: ["prompt"],
        message: "give start/end or prompt, not both",
      }),
  ),
  render: withTimelineSource(
    editorSource.extend({
      height: z.number().int().min(144).max(2160).optional(),
      /** The timeline; each piece names its own video or uses the payload's. Default: the whole video. */
      segments: z
        .array(
          z
            .strictObject({ source_asset_id: uuid.optional(), video_name: editorSource.shape.video_name, in: seconds, out: seconds })
            .refine((segment) => segment.out > segment.in, { path: ["out"], message: "must be after in" })
            .refine((segment) => !(segment.source_asset_id && segment.video_name), { path: ["video_name"], message: "give source_asset_id or video_name, not both" }),
        )
        .min(1)
        .max(50)
        .optional(),
      aspect: aspectRatio.optional(),
      /** Burn in captions from the timeline's transcript. */
      captions: z.union([z.boolean(), z.strictObject({ language: speechLanguage })]).optional(),
      /** Text and/or a picture over the frame (lib/editor/render.ts placement, lib/editor/overlay-image.ts). */
      overlay: z
        .strictObject({
          text: z.string().min(1).max(200).optional(),
          image: z
            .strictObject({
              source_asset_id: uuid.optional(),
              /** A PNG, JPEG or WebP file in VIDEO_INPUT_DIR. */
              image_name: z.string().min(1).max(MAX_VIDEO_NAME_BYTES).optional(),
            })
            .refine((image) => [image.source_asset_id, image.image_name].filter((v) => v !== undefined).length === 1, { message: "give source_asset_id or image_name" })
            .optional(),
          position: z.enum(OVERLAY_POSITIONS).default("top"),
          /** The picture's width as a fraction of the output's width. */
          scale: z.number().min(0.02).max(1).default(0.2),
          opacity: z.number().min(0).max(1).default(1),
          start: seconds.optional(),
          end: seconds.optional(),
        })
        .refine((overlay) => overlay.text !== undefined || overlay.image !== undefined, { message: "give text or image" })
        .refine((overlay) => overlay.end === undefined || overlay.end > (overlay.start ?? 0), { path: ["end"], message: "must be after start" })
        .optional(),
      /** Integrated loudness target (LUFS), null to leave the sound as it is. */
      loudness: z.number().min(-40).max(-5).nullable().default(-14),
    }),
  ),
  export: withOneSource(
    editorSource.extend({
      format: z.enum(["mp4", "mkv", "mov"]).optional(),
      formats: z.array(z.enum(exportFormats)).min(1).max(exportFormats.length).optional(),
      language: speechLanguage,
      /** The analyze job whose detections, tracks and events are exported. */
      analysis_job_id: uuid.optional(),
      /** events_csv also lists the events reviewed as false_positive. */
      include_rejected: z.boolean().optional(),
    }).refine((spec) => spec.analysis_job_id !== undefined || !(spec.formats ?? []).some((f) => analysisExportFormats.includes(f)), {
      path: ["analysis_job_id"],
      message: "give analysis_job_id for coco, mot, detections_csv, tracks_csv or events_csv",
    }),
  ),
  // contracts/enhance-metadata.md: made by POST /upload for the uploaded video.
  enhance: withOneSource(editorSource.extend({ preset: z.enum(ENHANCE_PRESETS).default("auto"), scale: z.union([z.literal(2), z.literal(4)]).default(2) })),
  metadata: withOneSource(editorSource),
  extract_features: extractFeaturesPayload,
  reframe: reframePayload,
  // The analysed video with its boxes burned in (POST /api/jobs/{job_id}/annotated).
  annotate: withOneSource(editorSource.extend({ analysis_job_id: uuid })),
} satisfies Record<RunnableJobKind, z.ZodType>;

export type JobPayload<K extends RunnableJobKind> = z.output<(typeof jobPayloadSchemas)[K]>;
export type AnalysisPayload = JobPayload<"analyze">;
export type EditorPayload = JobPayload<"ingest">;
export type ExtractFeaturesPayload = JobPayload<"extract_features">;

/** Kinds whose payload names several sources (or none): their functions resolve each one. */
export type SingleSourceKind = Exclude<RunnableJobKind, "extract_features">;

export type ReframePayload = JobPayload<"reframe">;

/**
 * The payload as its kind's schema reads it, or a bad_request naming the first wrong field
 * the way route() names body fields: `Request body 'source_asset_id': must be a video id`.
 */
export function parseJobPayload<K extends RunnableJobKind>(kind: K, payload: unknown): JobPayload<K> {
  const parsed = jobPayloadSchemas[kind].safeParse(payload);
  if (parsed.success) return parsed.data as JobPayload<K>;
  const issue = parsed.error.issues[0];
  const where = issue.path.length ? `Request body '${issue.path.join(".")}'` : "Request body";
  throw new AppError("bad_request", `${where}: ${issue.message}`);
}

/** Where the payload's videos are to be found, in the words lib/videos/resolve-source.ts takes. */
export function sourcesOf(kind: RunnableJobKind, payload: JobPayload<RunnableJobKind>): ({ source_asset_id: string } | { video_name: string })[] {
  if (kind !== "extract_features") return [sourceOf(kind, payload)];
  return (payload as ExtractFeaturesPayload).videos.flatMap((video): ({ source_asset_id: string } | { video_name: string })[] => {
    if (video.source_asset_id !== undefined) return [{ source_asset_id: video.source_asset_id }];
    return video.video_name !== undefined ? [{ video_name: video.video_name }] : [];
  });
}

/** Where the payload's video is to be found, in the words lib/videos/resolve-source.ts takes. */
export function sourceOf(kind: SingleSourceKind, payload: JobPayload<RunnableJobKind>): { source_asset_id: string } | { video_name: string } {
  if (kind === "analyze") return { source_asset_id: (payload as AnalysisPayload).videoId };
  if (kind === "reframe") return { source_asset_id: (payload as ReframePayload).videoId };
  const editor = payload as EditorPayload;
  return editor.source_asset_id !== undefined ? { source_asset_id: editor.source_asset_id } : { video_name: editor.video_name! };
}
