import { asc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { detections, events, tracks } from "@/lib/db/schema";
import { shownEvents, type EventFilter } from "./list-events";

/** Points kept of a track's path: enough to draw it, few enough to send every track at once. */
const PATH_POINTS = 48;

export type TrackSummary = {
  track_id: number;
  label: string;
  first_seen: number;
  last_seen: number;
  frames: number;
  avg_confidence: number;
  /** [t, centre x, centre y] in source pixels, evenly thinned to at most PATH_POINTS. */
  path: [number, number, number][];
  /** The time of its most confident box, where its thumbnail is cut. */
  best_time: number;
  /** Ids of the job's events this track takes part in (as listed: rejected ones only on request). */
  event_ids: string[];
};

/** Every track of a job, first seen first, with its path and the events it is in. */
export async function listTracks(db: Db, jobId: string, filter: EventFilter = {}): Promise<TrackSummary[]> {
  const [trackRows, boxRows, eventRows] = await Promise.all([
    db.select().from(tracks).where(eq(tracks.jobId, jobId)).orderBy(asc(tracks.startTime), asc(tracks.trackId)),
    db
      .select({ trackId: detections.trackId, t: detections.timestamp, x: detections.x, y: detections.y, w: detections.width, h: detections.height, confidence: detections.confidence })
      .from(detections)
      .where(eq(detections.jobId, jobId))
      .orderBy(asc(detections.frameIndex)),
    db.select({ id: events.id, trackIds: events.trackIds }).from(events).where(shownEvents(jobId, filter)).orderBy(asc(events.ordinal)),
  ]);
  const paths = new Map<number, { points: [number, number, number][]; best: { t: number; confidence: number } }>();
  for (const box of boxRows) {
    if (box.trackId === null) continue;
    const entry = paths.get(box.trackId) ?? { points: [], best: { t: box.t, confidence: -1 } };
    entry.points.push([Math.round(box.t * 1000) / 1000, Math.round(box.x + box.w / 2), Math.round(box.y + box.h / 2)]);
    if (box.confidence > entry.best.confidence) entry.best = { t: box.t, confidence: box.confidence };
    paths.set(box.trackId, entry);
  }
  return trackRows.map((track) => {
    const entry = paths.get(track.trackId);
    return {
      track_id: track.trackId,
      label: track.label,
      first_seen: round(track.startTime),
      last_seen: round(track.endTime),
      frames: track.frames,
      avg_confidence: Math.round(track.avgConfidence * 1000) / 1000,
      path: thin(entry?.points ?? [], PATH_POINTS),
      best_time: round(entry?.best.t ?? track.startTime),
      event_ids: eventRows.filter((event) => event.trackIds.includes(track.trackId)).map((event) => event.id),
    };
  });
}

/** At most `most` points, evenly spaced, always keeping the first and the last. */
export function thin<T>(points: readonly T[], most: number): T[] {
  if (points.length <= most) return [...points];
  const out: T[] = [];
  for (let i = 0; i < most; i++) out.push(points[Math.round((i * (points.length - 1)) / (most - 1))]);
  return out;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
