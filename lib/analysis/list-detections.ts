import { and, asc, eq, gte, isNotNull, lte, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { analysisFrames, detections, type Job } from "@/lib/db/schema";
import type { CompactBox, CompactFrame, CompactMask, DetectionWindow } from "./viewer/overlay";

/** Longest window one request may ask for: a few thousand boxes at the most. */
export const MAX_DETECTION_WINDOW_SECONDS = 120;

/** The size and sampling an analysis job measured its boxes at (its stored payload). */
export function analysisGeometry(job: Job): { width: number; height: number; fps: number; sampleInterval: number; duration: number } {
  const payload = job.payload as { fps?: number; duration?: number; checked?: { width?: number; height?: number; fps?: number } };
  const sampleFps = typeof payload.fps === "number" && payload.fps > 0 ? payload.fps : 5;
  return {
    width: payload.checked?.width ?? 0,
    height: payload.checked?.height ?? 0,
    fps: payload.checked?.fps ?? 0,
    sampleInterval: 1 / sampleFps,
    duration: payload.duration ?? 0,
  };
}

/**
 * A job's boxes between `from` and `to` seconds, compactly: per sampled frame its time and
 * [label, track, confidence, x, y, w, h] rows, labels given once; and the person masks of the
 * window's frames when the job ran the mask task (their first mask, run-length encoded).
 * Only confirmed objects (a track id; lib/tracking/video-tracker.ts) unless `raw`: a
 * detection no track confirmed is a flicker or a thing the detector mistook, kept as raw output.
 */
export async function listDetections(db: Db, job: Job, window: { from: number; to: number; raw?: boolean }): Promise<DetectionWindow> {
  const [rows, maskRows] = await Promise.all([
    db
      .select({ timestamp: detections.timestamp, label: detections.label, confidence: detections.confidence, x: detections.x, y: detections.y, width: detections.width, height: detections.height, trackId: detections.trackId, frameIndex: detections.frameIndex })
      .from(detections)
      .where(and(eq(detections.jobId, job.id), gte(detections.timestamp, window.from), lte(detections.timestamp, window.to), window.raw ? undefined : isNotNull(detections.trackId)))
      .orderBy(asc(detections.frameIndex), asc(detections.ordinal)),
    db
      .select({ t: analysisFrames.timestamp, rle: sql<string | null>`${analysisFrames.extras}->'masks'->0->>'mask_rle'` })
      .from(analysisFrames)
      .where(and(eq(analysisFrames.jobId, job.id), gte(analysisFrames.timestamp, window.from), lte(analysisFrames.timestamp, window.to), isNotNull(analysisFrames.extras)))
      .orderBy(asc(analysisFrames.frameIndex)),
  ]);
  const masks: CompactMask[] = maskRows.flatMap((row) => (row.rle ? [{ t: Math.round(row.t * 1000) / 1000, rle: row.rle }] : []));
  const labels: string[] = [];
  const labelIndex = new Map<string, number>();
  const frames: CompactFrame[] = [];
  let lastFrame = -1;
  for (const row of rows) {
    let index = labelIndex.get(row.label);
    if (index === undefined) {
      index = labels.push(row.label) - 1;
      labelIndex.set(row.label, index);
    }
    if (row.frameIndex !== lastFrame) {
      frames.push({ t: Math.round(row.timestamp * 1000) / 1000, boxes: [] });
      lastFrame = row.frameIndex;
    }
    const box: CompactBox = [index, row.trackId ?? -1, Math.round(row.confidence * 1000) / 1000, row.x, row.y, row.width, row.height];
    frames[frames.length - 1].boxes.push(box);
  }
  const geometry = analysisGeometry(job);
  return { from: window.from, to: window.to, sample_interval: geometry.sampleInterval, width: geometry.width, height: geometry.height, labels, frames, masks };
}
