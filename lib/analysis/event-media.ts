import { and, eq } from "drizzle-orm";
import path from "node:path";
import type { Db } from "@/lib/db/client";
import { events } from "@/lib/db/schema";
import { cutClip, makeProxy } from "@/lib/media/clip";
import { takeSnapshot } from "@/lib/media/snapshot";
import { jobMediaDir } from "@/lib/storage/layout";

const palette = ["lime", "#ff3b8b", "#ffb020", "#22d3ee", "#a78bfa", "#f97316"];

/** Name of a job's web-playable copy of its video, in the job's media folder. */
export const proxyFileName = "source.mp4";
const keyframeInterval = 1;

/**
 * The job's proxy: the whole video as H.264 with a keyframe every second. The browser plays it
 * (whatever the original's codec), and event clips are cut from it without re-encoding.
 */
export async function makeJobProxy(jobId: string, input: string): Promise<string> {
  const output = path.join(jobMediaDir(jobId), proxyFileName);
  await makeProxy({ input, output, keyframeInterval });
  return output;
}

/**
 * The evidence for one event: the best frame as a JPEG (plain, and with the involved boxes
 * drawn and labelled) and an H.264 clip with pre- and post-roll, cut from the job's proxy.
 * File names are derived from the event's ordinal, so a retried step overwrites its own files.
 */
export async function makeEventMedia(
  db: Db,
  jobId: string,
  ordinal: number,
  source: { proxy: string; duration: number },
  roll: { preRoll: number; postRoll: number },
): Promise<void> {
  const [event] = await db.select().from(events).where(and(eq(events.jobId, jobId), eq(events.ordinal, ordinal)));
  if (!event) return;
  const dir = jobMediaDir(jobId);
  const name = `event-${String(ordinal + 1).padStart(3, "0")}`;
  const files = { snapshot: `${name}.jpg`, snapshotAnnotated: `${name}-annotated.jpg`, clip: `${name}.mp4` };
  const colours = new Map<number | null, string>();
  const boxes = event.boxes.map((item) => {
    if (!colours.has(item.trackId)) colours.set(item.trackId, palette[colours.size % palette.length]);
    const label = `${item.label}${item.trackId !== null ? ` #${item.trackId}` : ""} ${Math.round(item.score * 100)}%`;
    return { ...item.box, label, color: colours.get(item.trackId) };
  });
  const plain = path.join(dir, files.snapshot);
  await takeSnapshot({ input: source.proxy, at: event.bestTimestamp, output: plain });
  // The annotated copy draws on the plain JPEG: no second seek and decode of the video.
  await takeSnapshot({ input: plain, at: 0, output: path.join(dir, files.snapshotAnnotated), boxes });
  const clip = await cutClip({
    proxy: source.proxy,
    output: path.join(dir, files.clip),
    start: event.startTime,
    end: event.endTime,
    ...roll,
    duration: source.duration,
    keyframeInterval,
  });
  await db
    .update(events)
    .set({ ...files, clipStart: clip.start, clipEnd: clip.end })
    .where(and(eq(events.jobId, jobId), eq(events.ordinal, ordinal)));
}
