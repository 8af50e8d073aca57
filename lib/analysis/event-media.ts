import { and, eq } from "drizzle-orm";
import path from "node:path";
import type { Db } from "@/lib/db/client";
import { events } from "@/lib/db/schema";
import { makeClip } from "@/lib/media/clip";
import type { VideoProbe } from "@/lib/media/probe";
import { takeSnapshot } from "@/lib/media/snapshot";
import { jobMediaDir } from "@/lib/storage/layout";

const palette = ["lime", "#ff3b8b", "#ffb020", "#22d3ee", "#a78bfa", "#f97316"];

/**
 * The evidence for one event: the best frame as a JPEG (plain, and with the involved boxes
 * drawn and labelled) and an H.264 clip with pre- and post-roll. File names are derived from
 * the event's ordinal, so a retried step overwrites its own files.
 */
export async function makeEventMedia(
  db: Db,
  jobId: string,
  ordinal: number,
  source: { path: string; probe?: VideoProbe },
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
  await takeSnapshot({ input: source.path, at: event.bestTimestamp, output: path.join(dir, files.snapshot) });
  await takeSnapshot({ input: source.path, at: event.bestTimestamp, output: path.join(dir, files.snapshotAnnotated), boxes });
  const clip = await makeClip({
    input: source.path,
    start: event.startTime,
    end: event.endTime,
    preRoll: roll.preRoll,
    postRoll: roll.postRoll,
    output: path.join(dir, files.clip),
    probe: source.probe,
  });
  await db
    .update(events)
    .set({ ...files, clipStart: clip.start, clipEnd: clip.end })
    .where(and(eq(events.jobId, jobId), eq(events.ordinal, ordinal)));
}
