import { z } from "zod";
import type { RunnableJobKind } from "@/inngest/events";
import { eventRulesSchema } from "@/lib/analysis/events/detect-events";
import { DEFAULT_THRESHOLDS, MAX_SAMPLE_FPS, TASKS } from "@/lib/analysis/worker-protocol";
import { AppError } from "@/lib/errors";
import { MAX_VIDEO_NAME_BYTES } from "@/lib/media/server-videos";

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

function withOneSource<S extends z.ZodType<{ source_asset_id?: string; video_name?: string }>>(schema: S) {
  return schema.superRefine((payload, context) => {
    const given = [payload.source_asset_id, payload.video_name].filter((value) => value !== undefined).length;
    if (given !== 1) {
      context.addIssue({
        code: "custom",
        path: [given === 0 ? "source_asset_id" : "video_name"],
        message: given === 0 ? "give source_asset_id or video_name" : "give source_asset_id or video_name, not both",
      });
    }
  });
}

const seconds = z.number().finite().min(0).max(24 * 3600);

/** How a job analyses its video; every field has a default, a request may override any. */
export const analysisOptionsSchema = z
  .object({
    fps: z.number().positive().max(MAX_SAMPLE_FPS).default(5),
    tasks: z.array(z.enum(TASKS)).min(1).default(["detect"]),
    /** Seconds of video per parallel step. */
    chunkSeconds: z.number().min(2).max(600).default(30),
    /** Detector score floor; lower scores still help the tracker's second association. */
    detectThreshold: z.number().min(0.05).max(0.95).default(DEFAULT_THRESHOLDS.detect),
    /** ByteTrack settings (lib/analysis/tracking/bytetrack.ts); the buffer is in seconds here. */
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
    preRoll: z.number().min(0).max(30).default(2),
    postRoll: z.number().min(0).max(30).default(2),
    rules: eventRulesSchema.default(eventRulesSchema.parse({})),
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
  transcribe: withOneSource(editorSource),
  generate_clip: withOneSource(
    editorSource.extend({ start: seconds.optional(), end: seconds.optional() }).refine((clip) => clip.end === undefined || clip.end > (clip.start ?? 0), {
      path: ["end"],
      message: "must be after start",
    }),
  ),
  render: withOneSource(editorSource.extend({ height: z.number().int().min(144).max(2160).optional() })),
  export: withOneSource(editorSource.extend({ format: z.enum(["mp4", "mkv", "mov"]).optional() })),
  reframe: reframePayload,
} satisfies Record<RunnableJobKind, z.ZodType>;

export type JobPayload<K extends RunnableJobKind> = z.output<(typeof jobPayloadSchemas)[K]>;
export type AnalysisPayload = JobPayload<"analyze">;
export type EditorPayload = JobPayload<"ingest">;
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

/** Where the payload's video is to be found, in the words lib/videos/resolve-source.ts takes. */
export function sourceOf(kind: RunnableJobKind, payload: JobPayload<RunnableJobKind>): { source_asset_id: string } | { video_name: string } {
  if (kind === "analyze") return { source_asset_id: (payload as AnalysisPayload).videoId };
  if (kind === "reframe") return { source_asset_id: (payload as ReframePayload).videoId };
  const editor = payload as EditorPayload;
  return editor.source_asset_id !== undefined ? { source_asset_id: editor.source_asset_id } : { video_name: editor.video_name! };
}
