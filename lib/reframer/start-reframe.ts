import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Job, Video } from "@/lib/db/schema";
import { AppError, hasErrorCode } from "@/lib/errors";
import type { FormInput } from "@/lib/http/route";
import { MAX_SAMPLE_FPS } from "@/lib/inference/worker-protocol";
import { createJob, type Caller } from "@/lib/jobs";
import { reframeAspects, type ReframePayload } from "@/lib/reframer/job-kinds";
import type { VideoProbe } from "@/lib/media/probe";
import { mediaInfo } from "@/lib/storage/job-media";
import { registerUpload } from "@/lib/videos/register-video";

/** The optional form fields of POST /process (contracts/reframer.md §3). */
export const reframeOptionsSchema = z.object({
  fps: z.coerce.number().positive().max(MAX_SAMPLE_FPS).optional(),
  aspect: z.enum(reframeAspects).optional(),
});

export type ReframeOptions = z.output<typeof reframeOptionsSchema>;

/** Reads the options from form fields (an empty field is an absent one); a bad value is the caller's error, said plainly. */
export function parseReframeOptions(fields: Record<string, string>): ReframeOptions {
  const parsed = reframeOptionsSchema.safeParse(Object.fromEntries(Object.entries(fields).filter(([, value]) => value.trim() !== "")));
  if (parsed.success) return parsed.data;
  const name = String(parsed.error.issues[0].path[0]);
  throw new AppError("bad_request", name === "aspect" ? `aspect must be one of ${reframeAspects.join(", ")}` : `fps must be a number above 0 and at most ${MAX_SAMPLE_FPS}`);
}

/** Queues the reframing of a registered video as a `reframe` job, sampled at 5 fps unless asked otherwise. */
export async function startReframe(db: Db, caller: Caller, input: { video: Video; probe: VideoProbe; options: ReframeOptions }): Promise<Job> {
  const { video, probe, options } = input;
  const file = await mediaInfo(video.path);
  if (!file) throw new AppError("not_found", "Video file not found");
  const payload: ReframePayload = {
    videoId: video.id,
    duration: probe.duration,
    filename: video.filename,
    fps: options.fps ?? 5,
    ...(options.aspect ? { aspect: options.aspect } : {}),
    checked: { size: file.size, mtimeMs: file.mtimeMs, duration: probe.duration, fps: probe.fps, width: probe.displayWidth, height: probe.displayHeight, codec: probe.codec },
  };
  return createJob(db, caller, { kind: "reframe", payload, videoId: video.id });
}

/**
 * A multipart form's `file` registered as the caller's upload and queued for reframing with
 * the form's options: POST /process (an API key) and POST /api/reframes (the browser's session).
 */
export async function reframeUpload(db: Db, caller: Caller, form: FormInput): Promise<Job> {
  const options = parseReframeOptions(form.fields);
  const file = form.files.find((candidate) => candidate.field === "file");
  if (!file) throw new AppError("bad_request", "No file uploaded (multipart field 'file')");
  const { video, probe } = await registerUpload(db, caller, file).catch((error: unknown) => {
    // The contract's words for a file that is not one of its formats (an empty file keeps its own).
    if (hasErrorCode(error, ["unsupported_format", "not_a_video"])) throw new AppError("bad_request", "Invalid file format");
    throw error;
  });
  return startReframe(db, caller, { video, probe, options });
}
