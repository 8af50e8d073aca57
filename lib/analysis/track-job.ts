import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { analysisFrames, detections, tracks } from "@/lib/db/schema";
import { ByteTracker, type TrackerOptions } from "./tracking/bytetrack";

const pageFrames = 500;

/**
 * Runs ByteTrack over every analysed frame of a job, in order, and writes the track id of each
 * detection and one row per track. One pass over the whole video, so ids hold across chunk
 * boundaries. Frames are read a page at a time: a long video never sits whole in memory.
 */
export async function trackJob(db: Db, jobId: string, options: Partial<TrackerOptions> = {}): Promise<{ tracks: number; frames: number }> {
  const tracker = new ByteTracker(options);
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
      .select({ id: detections.id, frameIndex: detections.frameIndex, label: detections.label, confidence: detections.confidence, x: detections.x, y: detections.y, width: detections.width, height: detections.height })
      .from(detections)
      .where(and(eq(detections.jobId, jobId), gte(detections.frameIndex, from), lt(detections.frameIndex, until)))
      .orderBy(asc(detections.frameIndex), asc(detections.ordinal));
    const byFrame = new Map<number, typeof rows>();
    for (const row of rows) byFrame.set(row.frameIndex, [...(byFrame.get(row.frameIndex) ?? []), row]);

    const ids: number[] = [];
    const trackIds: (number | null)[] = [];
    for (const { frameIndex } of page) {
      const inFrame = byFrame.get(frameIndex) ?? [];
      const assigned = tracker.update(inFrame.map((d) => ({ label: d.label, score: d.confidence, box: { x: d.x, y: d.y, width: d.width, height: d.height } })));
      inFrame.forEach((d, i) => {
        ids.push(d.id);
        trackIds.push(assigned[i]);
      });
    }
    if (ids.length) {
      await db.execute(sql`
        update detections as d set track_id = v.track_id
        from (select unnest(${`{${ids.join(",")}}`}::bigint[]) as id, unnest(${`{${trackIds.map((t) => t ?? "NULL").join(",")}}`}::int[]) as track_id) as v
        where d.id = v.id`);
    }
    frames += page.length;
    from = until;
  }

  await db.transaction(async (tx) => {
    await tx.delete(tracks).where(eq(tracks.jobId, jobId));
    await tx.execute(sql`
      insert into tracks (job_id, track_id, label, start_frame, end_frame, start_time, end_time, frames, avg_confidence)
      select job_id, track_id, mode() within group (order by label), min(frame_index), max(frame_index), min(timestamp), max(timestamp), count(*), avg(confidence)
      from detections where job_id = ${jobId} and track_id is not null
      group by job_id, track_id`);
  });
  const [{ value }] = await db.select({ value: sql<number>`count(*)::int` }).from(tracks).where(eq(tracks.jobId, jobId));
  return { tracks: Number(value), frames };
}
