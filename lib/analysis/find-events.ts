import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { analysisFrames, detections, events } from "@/lib/db/schema";
import { detectEvents, type EventRules, type TrackedFrame } from "./events/detect-events";

/**
 * Applies the job's event rules to its tracked detections and stores the events, one row per
 * ordinal (by start time). Re-running replaces the rows; media made for them is redone by the
 * media step. Only what the rules need (label, score, box, track) is loaded.
 */
export async function findEvents(db: Db, jobId: string, rules: EventRules): Promise<number> {
  const frameRows = await db
    .select({ index: analysisFrames.frameIndex, timestamp: analysisFrames.timestamp })
    .from(analysisFrames)
    .where(eq(analysisFrames.jobId, jobId))
    .orderBy(asc(analysisFrames.frameIndex));
  const frames = new Map<number, TrackedFrame>(frameRows.map((row) => [row.index, { ...row, detections: [] }]));
  // Only tracked detections count: an untracked one is a flicker the tracker did not believe.
  const rows = await db
    .select({ frameIndex: detections.frameIndex, label: detections.label, score: detections.confidence, x: detections.x, y: detections.y, width: detections.width, height: detections.height, trackId: detections.trackId })
    .from(detections)
    .where(and(eq(detections.jobId, jobId), isNotNull(detections.trackId)))
    .orderBy(asc(detections.frameIndex), asc(detections.ordinal));
  for (const row of rows) {
    frames.get(row.frameIndex)?.detections.push({
      label: row.label,
      score: row.score,
      trackId: row.trackId,
      box: { x: row.x, y: row.y, width: row.width, height: row.height },
    });
  }

  const found = detectEvents([...frames.values()], rules);
  await db.transaction(async (tx) => {
    for (const [ordinal, event] of found.entries()) {
      const values = {
        jobId,
        ordinal,
        label: event.label,
        startTime: event.start,
        endTime: event.end,
        trackIds: event.trackIds,
        confidence: event.confidence,
        bestFrameIndex: event.bestFrame.index,
        bestTimestamp: event.bestFrame.timestamp,
        boxes: event.bestFrame.boxes,
      };
      await tx
        .insert(events)
        .values(values)
        .onConflictDoUpdate({
          target: [events.jobId, events.ordinal],
          set: { ...values, snapshot: null, snapshotAnnotated: null, clip: null, clipStart: null, clipEnd: null },
        });
    }
    await tx.delete(events).where(and(eq(events.jobId, jobId), sql`${events.ordinal} >= ${found.length}`));
  });
  return found.length;
}
