import path from "node:path";
import { asc, eq, sql } from "drizzle-orm";
import { pgColumn } from "@/lib/db/arrays";
import type { Db } from "@/lib/db/client";
import { events, type AnalysisEvent } from "@/lib/db/schema";
import { clipWindow, makeProxy, type ClipSource } from "@/lib/media/clip";
import { makeEvidence, type EvidenceRequest } from "@/lib/media/evidence";
import { jobMediaDir } from "@/lib/storage/layout";

/** Name of a job's web-playable copy of its video, in the job's media folder. */
export const proxyFileName = "source.mp4";
/** Seconds between the proxy's keyframes: clips start on one, so they are cut without re-encoding. */
const keyframeInterval = 1;

const palette = ["lime", "#ff3b8b", "#ffb020", "#22d3ee", "#a78bfa", "#f97316"];

/**
 * The job's proxy: the whole video as H.264 with a keyframe every second. The browser plays it
 * (whatever the original's codec), and event clips are cut from it without re-encoding.
 * `known` is what the job's probe said (its duration): given, the video is not probed again.
 */
export async function makeJobProxy(jobId: string, input: string, known?: ClipSource): Promise<string> {
  const output = path.join(jobMediaDir(jobId), proxyFileName);
  await makeProxy({ input, output, keyframeInterval, probe: known });
  return output;
}

/**
 * The evidence for every event of a job: the best frame as a JPEG (plain, and with the
 * involved boxes drawn and labelled) and a clip with pre- and post-roll, cut from the proxy.
 * File names come from the event's ordinal, so a retried step overwrites its own files.
 */
export async function makeEventMedia(
  db: Db,
  jobId: string,
  source: { proxy: string; duration: number; frameRate?: number },
  roll: { preRoll: number; postRoll: number },
): Promise<number> {
  const rows = await db.select().from(events).where(eq(events.jobId, jobId)).orderBy(asc(events.ordinal));
  const dir = jobMediaDir(jobId);
  const planned = rows.flatMap((event) => {
    const window = clipWindow(event.startTime, event.endTime, roll.preRoll, roll.postRoll, source.duration);
    if (!window) return [];
    const name = `event-${String(event.ordinal + 1).padStart(3, "0")}`;
    const files = { snapshot: `${name}.jpg`, snapshotAnnotated: `${name}-annotated.jpg`, clip: `${name}.mp4` };
    // The pre-roll grows to the keyframe at or before the window: never shorter than asked.
    const clip = { start: Math.floor(window.start / keyframeInterval + 1e-6) * keyframeInterval, end: window.end };
    const request: EvidenceRequest = {
      at: event.bestTimestamp,
      boxes: boxesOf(event),
      clip,
      outputs: { snapshot: path.join(dir, files.snapshot), annotated: path.join(dir, files.snapshotAnnotated), clip: path.join(dir, files.clip) },
    };
    return [{ event, files, clip, request }];
  });
  await makeEvidence(source.proxy, planned.map((p) => p.request), { frameRate: source.frameRate });
  if (planned.length) {
    await db.execute(sql`
      update events as e set snapshot = v.snapshot, snapshot_annotated = v.annotated, clip = v.clip, clip_start = v.clip_start, clip_end = v.clip_end
      from (select unnest(${pgColumn(planned, (p) => p.event.ordinal)}::int[]) as ordinal, unnest(${pgColumn(planned, (p) => p.files.snapshot)}::text[]) as snapshot,
        unnest(${pgColumn(planned, (p) => p.files.snapshotAnnotated)}::text[]) as annotated, unnest(${pgColumn(planned, (p) => p.files.clip)}::text[]) as clip,
        unnest(${pgColumn(planned, (p) => p.clip.start)}::real[]) as clip_start, unnest(${pgColumn(planned, (p) => p.clip.end)}::real[]) as clip_end) as v
      where e.job_id = ${jobId} and e.ordinal = v.ordinal`);
  }
  return planned.length;
}

/** Each track keeps one colour on the picture; labels say class, track and score. */
function boxesOf(event: AnalysisEvent) {
  const colours = new Map<number | null, string>();
  return event.boxes.map((item) => {
    if (!colours.has(item.trackId)) colours.set(item.trackId, palette[colours.size % palette.length]);
    const label = `${item.label}${item.trackId !== null ? ` #${item.trackId}` : ""} ${Math.round(item.score * 100)}%`;
    return { ...item.box, label, color: colours.get(item.trackId) };
  });
}
