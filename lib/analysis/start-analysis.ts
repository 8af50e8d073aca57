import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Job, Video } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createJob, type Caller } from "@/lib/jobs";
import type { VideoProbe } from "@/lib/media/probe";
import { eventRulesSchema } from "./events/detect-events";

/** How a job analyses its video; every field has a default, a request may override any. */
export const analysisOptionsSchema = z
  .object({
    fps: z.number().positive().max(30).default(5),
    tasks: z.array(z.enum(["detect", "pose", "mask", "embed", "faces", "ocr"])).min(1).default(["detect"]),
    /** Seconds of video per parallel step. */
    chunkSeconds: z.number().min(2).max(600).default(30),
    /** Detector score floor; lower scores still help the tracker's second association. */
    detectThreshold: z.number().min(0.05).max(0.95).default(0.2),
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

export type AnalysisPayload = AnalysisOptions & { videoId: string; path: string; duration: number; filename: string };

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
  const payload: AnalysisPayload = {
    ...input.options,
    videoId: input.video.id,
    path: input.video.path,
    duration: input.probe.duration,
    filename: input.video.filename,
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
