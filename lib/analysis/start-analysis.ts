import { stat } from "node:fs/promises";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Job, Video } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createJob, type Caller } from "@/lib/jobs";
import type { VideoProbe } from "@/lib/media/probe";
import { validateVideo } from "@/lib/media/validate";
import { eventRulesSchema } from "./events/detect-events";
import { DEFAULT_THRESHOLDS, MAX_SAMPLE_FPS, TASKS } from "./worker-protocol";

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
export type AnalysisOptions = z.output<typeof analysisOptionsSchema>;

/**
 * What the request validated, with the file's size and modification time then: the job's probe
 * step trusts it while the file is unchanged, and validates again (ffprobe and two decodes,
 * about 0.2 s) when it is not.
 */
export type CheckedVideo = { size: number; mtimeMs: number; duration: number; fps: number; width: number; height: number; codec: string | null };

export type AnalysisPayload = AnalysisOptions & { videoId: string; path: string; duration: number; filename: string; checked?: CheckedVideo };

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
  const file = await stat(input.video.path);
  const payload: AnalysisPayload = {
    ...input.options,
    videoId: input.video.id,
    path: input.video.path,
    duration: probe.duration,
    filename: input.video.filename,
    checked: { size: file.size, mtimeMs: file.mtimeMs, duration: probe.duration, fps: probe.fps, width: probe.width, height: probe.height, codec: probe.codec },
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

/** The request's validation while the file is as it was then; a fresh one when it changed. */
export async function recheckVideo({ path: file, checked }: Pick<AnalysisPayload, "path" | "checked">): Promise<Omit<CheckedVideo, "size" | "mtimeMs">> {
  const now = await stat(file).catch(() => undefined);
  if (checked && now && now.size === checked.size && now.mtimeMs === checked.mtimeMs) return checked;
  return validateVideo(file);
}
