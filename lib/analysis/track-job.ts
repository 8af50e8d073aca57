import { and, asc, eq, gte, isNotNull, lt, sql } from "drizzle-orm";
import { pgColumn } from "@/lib/db/arrays";
import type { Db } from "@/lib/db/client";
import { analysisFrames, detections, tracks } from "@/lib/db/schema";
import { ByteTracker, type TrackerOptions } from "./tracking/bytetrack";

const pageFrames = 500;
/** Rows per bulk update of track ids. */
const writeBatch = 20_000;

/**
 * Runs ByteTrack over every analysed frame of a job, in order, and writes the track id of each
 * detection and one row per track. One pass over the whole video, so ids hold across chunk
 * boundaries. Frames are read a page at a time; what stays in memory is two numbers per
 * tracked detection and a summary per track, and everything is written at the end in bulk.
 */
export type TrackingSummary = {
  frames: number;
  tracks: number;
  personTracks: number;
  /** Person tracks followed for at least 2 s. */
  personTracksOver2s: number;
  /**
   * Person tracks that begin where another person track ended moments before (within 2 s and
   * half a body height): the same person picked up again under a new id. Without ground truth
   * this is the id-switch figure we can measure.
   */
  personReacquired: number;
};

type Box = { x: number; y: number; width: number; height: number };
type Sighting = Box & { timestamp: number };
type TrackStats = {
  rawId: number;
  labels: Map<string, number>;
  startFrame: number;
  endFrame: number;
  startTime: number;
  endTime: number;
  frames: number;
  confidence: number;
  /** First and last detections labelled "person", for the re-acquisition figure. */
  firstPerson?: Sighting;
  lastPerson?: Sighting;
};

export async function trackJob(db: Db, jobId: string, options: Partial<TrackerOptions> = {}): Promise<TrackingSummary> {
  const tracker = new ByteTracker(options);
  const detectionIds: number[] = [];
  const rawIds: number[] = [];
  const stats = new Map<number, TrackStats>();
  let frames = 0;
  for (let from = 0; ; ) {
    const page = await db
      .select({ frameIndex: analysisFrames.frameIndex })
      .from(analysisFrames)
      .where(and(eq(analysisFrames.jobId, jobId), gte(analysisFrames.frameIndex, from)))
      .orderBy(asc(analysisFrames.frameIndex))
      .limit(pageFrames);
    if (page.length === 0) break;
    const until = page[page.length - 1].frameIndex + 1;
    const rows = await db
      .select({ id: detections.id, frameIndex: detections.frameIndex, timestamp: detections.timestamp, label: detections.label, confidence: detections.confidence, x: detections.x, y: detections.y, width: detections.width, height: detections.height })
      .from(detections)
      .where(and(eq(detections.jobId, jobId), gte(detections.frameIndex, from), lt(detections.frameIndex, until)))
      .orderBy(asc(detections.frameIndex), asc(detections.ordinal));
    const byFrame = new Map<number, typeof rows>();
    for (const row of rows) {
      const inFrame = byFrame.get(row.frameIndex);
      if (inFrame) inFrame.push(row);
      else byFrame.set(row.frameIndex, [row]);
    }
    for (const { frameIndex } of page) {
      const inFrame = byFrame.get(frameIndex) ?? [];
      const assigned = tracker.update(inFrame.map((d) => ({ label: d.label, score: d.confidence, box: { x: d.x, y: d.y, width: d.width, height: d.height } })));
      inFrame.forEach((d, i) => {
        const rawId = assigned[i];
        if (rawId === null) return;
        detectionIds.push(d.id);
        rawIds.push(rawId);
        record(stats, rawId, d);
      });
    }
    frames += page.length;
    from = until;
  }

  // A track seen once was never confirmed: it is dropped. The rest are numbered 1, 2, 3... in
  // order of appearance (the tracker's raw ids have gaps where such tracks were born).
  const confirmed = [...stats.values()].filter((track) => track.frames >= 2).sort((a, b) => a.startFrame - b.startFrame || a.rawId - b.rawId);
  const finalId = new Map(confirmed.map((track, i) => [track.rawId, i + 1]));
  const written = detectionIds.flatMap((id, i) => (finalId.has(rawIds[i]) ? [[id, finalId.get(rawIds[i])!]] : []));

  await db.transaction(async (tx) => {
    // A re-run starts from nothing: ids from an earlier pass must not survive.
    await tx.update(detections).set({ trackId: null }).where(and(eq(detections.jobId, jobId), isNotNull(detections.trackId)));
    for (let i = 0; i < written.length; i += writeBatch) {
      const slice = written.slice(i, i + writeBatch);
      await tx.execute(sql`
        update detections as d set track_id = v.track_id
        from (select unnest(${pgColumn(slice, ([id]) => id)}::bigint[]) as id, unnest(${pgColumn(slice, ([, trackId]) => trackId)}::int[]) as track_id) as v
        where d.id = v.id`);
    }
    await tx.delete(tracks).where(eq(tracks.jobId, jobId));
    if (confirmed.length) {
      await tx.insert(tracks).values(
        confirmed.map((track, i) => ({
          jobId,
          trackId: i + 1,
          label: commonestLabel(track.labels),
          startFrame: track.startFrame,
          endFrame: track.endFrame,
          startTime: track.startTime,
          endTime: track.endTime,
          frames: track.frames,
          avgConfidence: track.confidence / track.frames,
        })),
      );
    }
  });
  return { frames, ...summarize(confirmed) };
}

function record(stats: Map<number, TrackStats>, rawId: number, d: Box & { frameIndex: number; timestamp: number; label: string; confidence: number }): void {
  let track = stats.get(rawId);
  if (!track) {
    track = { rawId, labels: new Map(), startFrame: d.frameIndex, endFrame: d.frameIndex, startTime: d.timestamp, endTime: d.timestamp, frames: 0, confidence: 0 };
    stats.set(rawId, track);
  }
  track.labels.set(d.label, (track.labels.get(d.label) ?? 0) + 1);
  track.endFrame = d.frameIndex; // frames arrive in order
  track.endTime = d.timestamp;
  track.frames += 1;
  track.confidence += d.confidence;
  if (d.label === "person") {
    const sighting = { x: d.x, y: d.y, width: d.width, height: d.height, timestamp: d.timestamp };
    track.firstPerson ??= sighting;
    track.lastPerson = sighting;
  }
}

/** The label seen most often on a track; ties go to the alphabetically first. */
function commonestLabel(labels: Map<string, number>): string {
  return [...labels].sort(([a, n], [b, m]) => m - n || (a < b ? -1 : 1))[0][0];
}

function summarize(confirmed: TrackStats[]): Omit<TrackingSummary, "frames"> {
  const people = confirmed.filter((track) => commonestLabel(track.labels) === "person");
  const centre = (s: Sighting) => ({ x: s.x + s.width / 2, y: s.y + s.height / 2 });
  const sighted = confirmed.filter((track) => track.firstPerson && track.lastPerson);
  const reacquired = sighted.filter((track) =>
    sighted.some((other) => {
      if (other === track) return false;
      const first = track.firstPerson!;
      const last = other.lastPerson!;
      const gap = first.timestamp - last.timestamp;
      const a = centre(first);
      const b = centre(last);
      return gap > 0 && gap <= 2 && Math.hypot(a.x - b.x, a.y - b.y) < 0.5 * Math.max(first.height, last.height);
    }),
  ).length;
  return {
    tracks: confirmed.length,
    personTracks: people.length,
    personTracksOver2s: people.filter((track) => track.endTime - track.startTime >= 2).length,
    personReacquired: reacquired,
  };
}
