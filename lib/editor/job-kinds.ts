import { z } from "zod";
import { env } from "@/lib/env";
import type { SingleSourceJobKind } from "@/lib/jobs/job-kind";
import { toEditorJob } from "@/lib/jobs/serializers/editor-job";
import { MAX_VIDEO_NAME_BYTES } from "@/lib/media/server-videos";
import { offlineLanguage } from "@/lib/speech/transcribe";
import { editorSource, oneSourceOf, uuid, withOneSource, withTimelineSource } from "@/lib/videos/payload-fields";
import { OVERLAY_POSITIONS } from "./overlay-positions";

/**
 * contracts/editor-jobs.md: the kinds `POST /jobs/` creates for a source video (a payload with
 * arbitrary configuration; unknown fields stay, no code reads them).
 */

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

const ingestPayload = withOneSource(editorSource);
export type EditorPayload = z.output<typeof ingestPayload>;

export const ingest: SingleSourceJobKind<typeof ingestPayload> = {
  event: "job/ingest.requested",
  payload: ingestPayload,
  source: oneSourceOf,
  status: toEditorJob,
};

const transcribePayload = withOneSource(editorSource.extend({ language: speechLanguage }));

export const transcribe: SingleSourceJobKind<typeof transcribePayload> = {
  event: "job/transcribe.requested",
  payload: transcribePayload,
  source: oneSourceOf,
  status: toEditorJob,
};

const generateClipPayload = withOneSource(
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
);

export const generateClip: SingleSourceJobKind<typeof generateClipPayload> = {
  event: "job/generate-clip.requested",
  payload: generateClipPayload,
  source: oneSourceOf,
  status: toEditorJob,
};

const renderPayload = withTimelineSource(
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
);

export const render: SingleSourceJobKind<typeof renderPayload> = {
  event: "job/render.requested",
  payload: renderPayload,
  source: oneSourceOf,
  status: toEditorJob,
};

const exportPayload = withOneSource(
  editorSource.extend({
    format: z.enum(["mp4", "mkv", "mov"]).optional(),
    formats: z.array(z.enum(exportFormats)).min(1).max(exportFormats.length).optional(),
    language: speechLanguage,
    /** The analyze job whose detections, tracks and events are exported. */
    analysis_job_id: uuid.optional(),
    /** events_csv also lists the events reviewed as false_positive. */
    include_rejected: z.boolean().optional(),
    /** coco, mot and detections_csv also hold the boxes no confirmed track holds (raw output). */
    raw_detections: z.boolean().optional(),
  }).refine((spec) => spec.analysis_job_id !== undefined || !(spec.formats ?? []).some((f) => analysisExportFormats.includes(f)), {
    path: ["analysis_job_id"],
    message: "give analysis_job_id for coco, mot, detections_csv, tracks_csv or events_csv",
  }),
);

export const exportJob: SingleSourceJobKind<typeof exportPayload> = {
  event: "job/export.requested",
  payload: exportPayload,
  source: oneSourceOf,
  status: toEditorJob,
};
