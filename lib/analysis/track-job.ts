import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import { pgArray } from "@/lib/db/arrays";
import { selectRows, type Db } from "@/lib/db/client";
import { analysisFrames, detections, tracks } from "@/lib/db/schema";
import { ByteTracker, type TrackerOptions } from "./tracking/bytetrack";

const pageFrames = 500;

/**
 * Runs ByteTrack over every analysed frame of a job, in order, and writes the track id of each
 * detection and one row per track. One pass over the whole video, so ids hold across chunk
 * boundaries. Frames are read a page at a time: a long video never sits whole in memory.
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

export async function trackJob(
  db: Db,
  jobId: string,
  options: Partial<TrackerOptions> = {},
): Promise<TrackingSummary> {
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
        from (select unnest(${pgArray(ids)}::bigint[]) as id, unnest(${pgArray(trackIds)}::int[]) as track_id) as v
        where d.id = v.id`);
    }
    frames += page.length;
    from = until;
  }

  await db.transaction(async (tx) => {
    // A track seen once was never confirmed: drop it, then number the rest 1, 2, 3... in order
    // of appearance (the tracker's raw ids have gaps where such tracks were born).
    await tx.execute(sql`
      update detections set track_id = null
      where job_id = ${jobId} and track_id in (
        select track_id from detections where job_id = ${jobId} and track_id is not null group by track_id having count(*) < 2)`);
    await tx.execute(sql`
      update detections as d set track_id = r.new_id
      from (
        select track_id, row_number() over (order by min(frame_index), track_id) as new_id
        from detections where job_id = ${jobId} and track_id is not null group by track_id
      ) as r
      where d.job_id = ${jobId} and d.track_id = r.track_id`);
    await tx.delete(tracks).where(eq(tracks.jobId, jobId));
    await tx.execute(sql`
      insert into tracks (job_id, track_id, label, start_frame, end_frame, start_time, end_time, frames, avg_confidence)
      select job_id, track_id, mode() within group (order by label), min(frame_index), max(frame_index), min(timestamp), max(timestamp), count(*), avg(confidence)
      from detections where job_id = ${jobId} and track_id is not null
      group by job_id, track_id`);
  });
  return { frames, ...(await summarize(db, jobId)) };
}

type Sighting = { track_id: number; x: number; y: number; width: number; height: number; timestamp: number };

async function summarize(db: Db, jobId: string): Promise<Omit<TrackingSummary, "frames">> {
  const rows = await db.select({ label: tracks.label, startTime: tracks.startTime, endTime: tracks.endTime }).from(tracks).where(eq(tracks.jobId, jobId));
  const people = rows.filter((row) => row.label === "person");
  const ends = (order: "asc" | "desc") => sql`
    select distinct on (track_id) track_id, x, y, width, height, timestamp from detections
    where job_id = ${jobId} and label = 'person' and track_id is not null
    order by track_id, frame_index ${sql.raw(order)}`;
  const [firsts, lasts] = await Promise.all([selectRows<Sighting>(db, ends("asc")), selectRows<Sighting>(db, ends("desc"))]);
  const centre = (s: Sighting) => ({ x: s.x + s.width / 2, y: s.y + s.height / 2 });
  const endings = lasts;
  const reacquired = firsts.filter((first) =>
    endings.some((last) => {
      if (last.track_id === first.track_id) return false;
      const gap = first.timestamp - last.timestamp;
      const a = centre(first);
      const b = centre(last);
      return gap > 0 && gap <= 2 && Math.hypot(a.x - b.x, a.y - b.y) < 0.5 * Math.max(first.height, last.height);
    }),
  ).length;
  return {
    tracks: rows.length,
    personTracks: people.length,
    personTracksOver2s: people.filter((row) => row.endTime - row.startTime >= 2).length,
    personReacquired: reacquired,
  };
}
