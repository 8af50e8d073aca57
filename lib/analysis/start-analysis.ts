import { stat } from "node:fs/promises";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Job, Video } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createJob, type Caller } from "@/lib/jobs";
import type { VideoProbe } from "@/lib/media/probe";
import { validateVideo } from "@/lib/media/validate";
import { mediaInfo } from "@/lib/storage/job-media";
import type { checkedVideoSchema } from "@/lib/videos/payload-fields";
import { analysisOptionsSchema, type AnalysisPayload } from "./job-kinds";

export { analysisOptionsSchema, type AnalysisPayload } from "./job-kinds";
export type AnalysisOptions = z.output<typeof analysisOptionsSchema>;

/**
 * What the request validated, with the file's size and modification time then: the job's probe
 * step trusts it while the file is unchanged, and validates again (ffprobe and two decodes,
 * about 0.2 s) when it is not.
 */
export type CheckedVideo = z.output<typeof checkedVideoSchema>;

/** Reads optional options from a form field (JSON); a bad value is the caller's error, said plainly. */
export function parseAnalysisOptions(raw: string | undefined): AnalysisOptions {
  let value: unknown = {};
  if (raw?.trim()) {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new AppError("bad_request", "options must be a JSON object");
    }
  }
  const parsed = analysisOptionsSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("bad_request", `Invalid options${issue.path.length ? ` '${issue.path.join(".")}'` : ""}: ${issue.message}`);
  }
  return parsed.data;
}

/** Queues the analysis of a registered video as an `analyze` job. */
export async function startAnalysis(
  db: Db,
  caller: Caller,
  input: { video: Video; probe: VideoProbe; tripId: string | null; options: AnalysisOptions; priority?: number; clientId?: string | null },
): Promise<Job> {
  const { probe } = input;
  const file = await mediaInfo(input.video.path);
  if (!file) throw new AppError("not_found", "Video file not found");
  // The video is named by its id only: the job function finds its file (lib/videos/resolve-source.ts).
  const payload: AnalysisPayload = {
    ...input.options,
    videoId: input.video.id,
    duration: probe.duration,
    filename: input.video.filename,
    checked: { size: file.size, mtimeMs: file.mtimeMs, duration: probe.duration, fps: probe.fps, width: probe.displayWidth, height: probe.displayHeight, codec: probe.codec },
  };
  return createJob(db, caller, {
    kind: "analyze",
    payload,
    priority: input.priority ?? 0,
    videoId: input.video.id,
    tripId: input.tripId,
    clientId: input.clientId ?? null,
  });
}

/** The request's validation while the file is as it was then; a fresh one when it changed. Sizes are as shown (after rotation). */
export async function recheckVideo({ path: file, checked }: { path: string; checked?: CheckedVideo }): Promise<Omit<CheckedVideo, "size" | "mtimeMs">> {
  const now = await stat(file).catch(() => undefined);
  if (checked && now && now.size === checked.size && now.mtimeMs === checked.mtimeMs) return checked;
  const probe = await validateVideo(file);
  return { duration: probe.duration, fps: probe.fps, width: probe.displayWidth, height: probe.displayHeight, codec: probe.codec };
}
