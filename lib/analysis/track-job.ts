import { and, asc, eq, gte, isNotNull, lt, sql } from "drizzle-orm";
import { pgColumn } from "@/lib/db/arrays";
import type { Db } from "@/lib/db/client";
import { analysisFrames, detections, tracks } from "@/lib/db/schema";
import type { TrackerOptions } from "@/lib/tracking/bytetrack";
import { classesOf, type SceneProfile } from "@/lib/tracking/scene-profiles";
import { defaultConfirmation, VideoTracker, type ConfirmationRules, type TrackingSummary, type VideoTrackerOptions } from "@/lib/tracking/video-tracker";

export type { TrackingSummary };

/**
 * The tracking an analysis job runs, from its options: ByteTrack's settings (the buffer given in
 * seconds, counted in sampled frames), the scene profile's classes and the frame's size.
 */
export function analysisTracking(
  options: {
    fps: number;
    profile: SceneProfile;
    tracker: Partial<Omit<TrackerOptions, "trackBuffer">> & { bufferSeconds?: number };
    confirmation: Omit<Partial<ConfirmationRules>, "minScore"> & { minScore?: Record<string, number> };
  },
  frameSize: { width: number; height: number },
): VideoTrackerOptions {
  const { bufferSeconds = 2, ...tracker } = options.tracker;
  const { minScore, ...confirmation } = options.confirmation;
  return {
    tracker: { ...tracker, trackBuffer: Math.max(1, Math.round(bufferSeconds * options.fps)) },
    confirmation: { ...confirmation, ...(minScore ? { minScore: { ...defaultConfirmation.minScore, ...minScore } } : {}) },
    classes: classesOf(options.profile),
    frameSize,
  };
}

const pageFrames = 500;
/** Rows per bulk update of track ids. */
const writeBatch = 20_000;

/**
 * Runs the video tracker (./tracking/video-tracker.ts) over every analysed frame of a job, in
 * order, and writes the track id of each confirmed detection and one row per confirmed track. One pass over the whole video, so ids hold across chunk
 * boundaries. Frames are read a page at a time; what stays in memory is two numbers per
 * tracked detection and a summary per track, and everything is written at the end in bulk.
 */
export async function trackJob(db: Db, jobId: string, options: VideoTrackerOptions = {}): Promise<TrackingSummary> {
  const tracker = new VideoTracker(options);
  for (let from = 0; ; ) {
    const page = await db
      .select({ frameIndex: analysisFrames.frameIndex, timestamp: analysisFrames.timestamp })
      .from(analysisFrames)
      .where(and(eq(analysisFrames.jobId, jobId), gte(analysisFrames.frameIndex, from)))
      .orderBy(asc(analysisFrames.frameIndex))
      .limit(pageFrames);
    if (page.length === 0) break;
    const until = page[page.length - 1].frameIndex + 1;
    const rows = await db
      .select({ id: detections.id, frameIndex: detections.frameIndex, timestamp: detections.timestamp, label: detections.label, confidence: detections.confidence, x: detections.x, y: detections.y, width: detections.width, height: detections.height, appearance: detections.appearance })
      .from(detections)
      .where(and(eq(detections.jobId, jobId), gte(detections.frameIndex, from), lt(detections.frameIndex, until)))
      .orderBy(asc(detections.frameIndex), asc(detections.ordinal));
    const byFrame = new Map<number, typeof rows>();
    for (const row of rows) {
      const inFrame = byFrame.get(row.frameIndex);
      if (inFrame) inFrame.push(row);
      else byFrame.set(row.frameIndex, [row]);
    }
    for (const { frameIndex, timestamp } of page) {
      const inFrame = byFrame.get(frameIndex) ?? [];
      const detected = inFrame.map((d) => ({ label: d.label, score: d.confidence, box: { x: d.x, y: d.y, width: d.width, height: d.height }, appearance: d.appearance ?? undefined }));
      tracker.push({ index: frameIndex, timestamp, detections: detected }, inFrame.map((d) => d.id));
    }
    from = until;
  }

  const { trackOf, tracks: found, summary } = tracker.finish();
  const written = [...trackOf];

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
    if (found.length) await tx.insert(tracks).values(found.map((track) => ({ jobId, ...track })));
  });
  return summary;
}
