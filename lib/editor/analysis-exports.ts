import { and, asc, eq, isNotNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { shownEvents, type EventFilter } from "@/lib/analysis/list-events";
import { analysisFrames, detections, events, tracks } from "@/lib/db/schema";
import { COCO_CLASSES } from "@/lib/inference/coco-classes";
import { toCsv } from "./exports";

/**
 * An analysis job's detections, tracks and events in published formats:
 * - COCO object detection results (cocodataset.org/#format-data): `images` (one per sampled
 *   frame), `annotations` (`bbox` = [x, y, width, height] in pixels, `area`, `iscrowd` 0,
 *   `score`, and `track_id`), `categories` with COCO's own 91-scheme ids for the 80 classes;
 *   other labels (faces, text) get ids from 1000 up.
 * - MOT Challenge (motchallenge.net): `frame,id,bb_left,bb_top,bb_width,bb_height,conf,x,y,z`,
 *   frames 1-based in sampled order, `-1` for a box without a track and for x, y, z.
 * - CSV of detections, tracks and events with a header row.
 */
export const COCO_IDS: number[] = [
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44,
  46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 67, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89, 90,
];

/**
 * The job's rows: its confirmed objects' detections (every stored one with `raw`; see
 * lib/tracking/video-tracker.ts), its tracks, its events less those reviewed as false_positive
 * unless the filter includes them.
 */
export async function loadAnalysis(db: Db, jobId: string, filter: EventFilter & { raw?: boolean } = {}) {
  const [frames, boxes, trackRows, eventRows] = await Promise.all([
    db.select({ frameIndex: analysisFrames.frameIndex, timestamp: analysisFrames.timestamp }).from(analysisFrames).where(eq(analysisFrames.jobId, jobId)).orderBy(asc(analysisFrames.frameIndex)),
    db
      .select()
      .from(detections)
      .where(and(eq(detections.jobId, jobId), filter.raw ? undefined : isNotNull(detections.trackId)))
      .orderBy(asc(detections.frameIndex), asc(detections.ordinal)),
    db.select().from(tracks).where(eq(tracks.jobId, jobId)).orderBy(asc(tracks.trackId)),
    db.select().from(events).where(shownEvents(jobId, filter)).orderBy(asc(events.ordinal)),
  ]);
  return { frames, boxes, tracks: trackRows, events: eventRows };
}

export type Analysis = Awaited<ReturnType<typeof loadAnalysis>>;

/**
 * COCO's categories and a label's id among them: the 80 classes with their 91-scheme ids, and
 * each other label added (from 1000 up) the first time it is asked for.
 */
export function cocoCategories() {
  const categories: { id: number; name: string; supercategory: string }[] = COCO_CLASSES.map((name, i) => ({ id: COCO_IDS[i], name: name as string, supercategory: "object" }));
  const extra = new Map<string, number>();
  const categoryId = (label: string) => {
    const index = (COCO_CLASSES as readonly string[]).indexOf(label);
    if (index >= 0) return COCO_IDS[index];
    if (!extra.has(label)) {
      extra.set(label, 1000 + extra.size);
      categories.push({ id: extra.get(label)!, name: label, supercategory: "other" });
    }
    return extra.get(label)!;
  };
  return { categories, categoryId };
}

export function cocoJson(analysis: Analysis, video: { name: string; width: number; height: number }) {
  const { categories, categoryId } = cocoCategories();
  const frameIndexes = new Set(analysis.frames.map((f) => f.frameIndex));
  for (const box of analysis.boxes) frameIndexes.add(box.frameIndex);
  const timestamps = new Map(analysis.frames.map((f) => [f.frameIndex, f.timestamp]));
  for (const box of analysis.boxes) if (!timestamps.has(box.frameIndex)) timestamps.set(box.frameIndex, box.timestamp);
  const images = [...frameIndexes].sort((a, b) => a - b).map((frameIndex) => ({
    id: frameIndex + 1,
    file_name: `${video.name}#t=${(timestamps.get(frameIndex) ?? 0).toFixed(3)}`,
    width: video.width,
    height: video.height,
    frame_index: frameIndex,
    timestamp: timestamps.get(frameIndex) ?? 0,
  }));
  const annotations = analysis.boxes.map((box, i) => ({
    id: i + 1,
    image_id: box.frameIndex + 1,
    category_id: categoryId(box.label),
    bbox: [box.x, box.y, box.width, box.height],
    area: box.width * box.height,
    iscrowd: 0,
    score: Math.round(box.confidence * 10_000) / 10_000,
    track_id: box.trackId,
  }));
  return { info: { description: `Framewise detections for ${video.name}`, version: "1.0", date_created: new Date().toISOString() }, licenses: [], images, annotations, categories };
}

export function motCsv(analysis: Analysis): string {
  const order = new Map([...new Set(analysis.frames.map((f) => f.frameIndex).concat(analysis.boxes.map((b) => b.frameIndex)))].sort((a, b) => a - b).map((f, i) => [f, i + 1]));
  return analysis.boxes.map((b) => [order.get(b.frameIndex), b.trackId ?? -1, b.x, b.y, b.width, b.height, b.confidence.toFixed(4), -1, -1, -1].join(",")).join("\n") + (analysis.boxes.length ? "\n" : "");
}

export function detectionsCsv(analysis: Analysis): string {
  return toCsv(["frame_index", "timestamp", "label", "confidence", "x", "y", "width", "height", "track_id"], analysis.boxes.map((b) => [b.frameIndex, b.timestamp.toFixed(3), b.label, b.confidence.toFixed(4), b.x, b.y, b.width, b.height, b.trackId ?? ""]));
}

export function tracksCsv(analysis: Analysis): string {
  return toCsv(["track_id", "label", "start_frame", "end_frame", "start_time", "end_time", "frames", "avg_confidence"], analysis.tracks.map((t) => [t.trackId, t.label, t.startFrame, t.endFrame, t.startTime.toFixed(3), t.endTime.toFixed(3), t.frames, t.avgConfidence.toFixed(4)]));
}

export function eventsCsv(analysis: Analysis): string {
  return toCsv(["ordinal", "label", "start_time", "end_time", "confidence", "track_ids", "best_timestamp"], analysis.events.map((e) => [e.ordinal, e.label, e.startTime.toFixed(3), e.endTime.toFixed(3), e.confidence.toFixed(4), e.trackIds.join(" "), e.bestTimestamp.toFixed(3)]));
}
