// POST /process (contracts/reframer.md §3): multipart `file`, optional `fps` and `aspect`.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { AppError, isAppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { createJob } from "@/lib/jobs";
import { reframeAspects, type ReframePayload } from "@/lib/reframer/job-kinds";
import { MAX_SAMPLE_FPS } from "@/lib/inference/worker-protocol";
import { registerUpload } from "@/lib/videos/register-video";
import { stat } from "node:fs/promises";

const fields = z.object({
  fps: z.coerce.number().positive().max(MAX_SAMPLE_FPS).optional(),
  aspect: z.enum(reframeAspects).optional(),
});

/** The contract's words for a file that is not one of its formats. */
const formatErrors = new Set(["Unsupported video type", "File is not a video"]);

export const POST = route({ auth: "apiKey", input: "multipart", multipart: { fileFields: ["file"], maxFiles: 1 }, doc: { fields } }, async ({ ctx, form }) => {
  const parsed = fields.safeParse(Object.fromEntries(Object.entries(form.fields).filter(([, value]) => value.trim() !== "")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue.path[0]);
    throw new AppError("bad_request", name === "aspect" ? `aspect must be one of ${reframeAspects.join(", ")}` : `fps must be a number above 0 and at most ${MAX_SAMPLE_FPS}`);
  }
  const file = form.files.find((candidate) => candidate.field === "file");
  if (!file) throw new AppError("bad_request", "No file uploaded (multipart field 'file')");
  const database = await db();
  const { video, probe } = await registerUpload(database, ctx, file).catch((error: unknown) => {
    if (isAppError(error) && formatErrors.has(error.message)) throw new AppError("bad_request", "Invalid file format");
    throw error;
  });
  const stored = await stat(video.path);
  const payload: ReframePayload = {
    videoId: video.id,
    duration: probe.duration,
    filename: video.filename,
    fps: parsed.data.fps ?? 5,
    ...(parsed.data.aspect ? { aspect: parsed.data.aspect } : {}),
    checked: { size: stored.size, mtimeMs: stored.mtimeMs, duration: probe.duration, fps: probe.fps, width: probe.displayWidth, height: probe.displayHeight, codec: probe.codec },
  };
  const job = await createJob(database, ctx, { kind: "reframe", payload, videoId: video.id });
  return Response.json({ job_id: job.id, status: "queued", message: "Video queued for processing" });
});
