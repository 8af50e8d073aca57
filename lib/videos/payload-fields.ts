import { z } from "zod";
import type { SourceReference } from "./resolve-source";
import { MAX_VIDEO_NAME_BYTES } from "@/lib/media/server-videos";

/**
 * The pieces job payloads name their videos with (ARCHITECTURE.md, "Security model"): a
 * payload names its video only as `source_asset_id` (a video the caller may see) or
 * `video_name` (a file in VIDEO_INPUT_DIR), resolved by lib/videos/resolve-source.ts; never as
 * a host path. The editor contract allows arbitrary configuration, so unknown fields stay in
 * the payload, but no code reads them.
 */

export const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a video id");

/** `path` used to name a host file: refused outright, so an old client learns why. */
const hostPath = z.never({ error: "naming a file on the server is not allowed; give source_asset_id or video_name" }).optional();

export const editorSource = z.looseObject({
  source_asset_id: uuid.optional(),
  video_name: z
    .string()
    .min(1, "must not be empty")
    .refine((name) => Buffer.byteLength(name) <= MAX_VIDEO_NAME_BYTES, `must be at most ${MAX_VIDEO_NAME_BYTES} bytes`)
    .optional(),
  path: hostPath,
});

export function withOneSource<S extends z.ZodType<{ source_asset_id?: string; video_name?: string }>>(schema: S, missing = "give source_asset_id or video_name", optional?: (payload: z.output<S>) => boolean) {
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
export function withTimelineSource<S extends z.ZodType<Segment & { segments?: Segment[] }>>(schema: S) {
  return withOneSource(schema, "give source_asset_id or video_name, or one in every segment", (payload) => Boolean(payload.segments?.every(namesItsVideo))).transform(
    (payload): z.output<S> => {
      if (namesItsVideo(payload)) return payload;
      const [first] = payload.segments!;
      return { ...payload, ...(first.source_asset_id !== undefined ? { source_asset_id: first.source_asset_id } : { video_name: first.video_name }) };
    },
  );
}

/** The video of a payload made withOneSource. */
export function oneSourceOf(payload: { source_asset_id?: string; video_name?: string }): SourceReference {
  return payload.source_asset_id !== undefined ? { source_asset_id: payload.source_asset_id } : { video_name: payload.video_name! };
}

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
