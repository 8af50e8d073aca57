import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { analysisFrames, detections, events } from "@/lib/db/schema";
import { detectEvents, type EventRules, type FrameSize, type TrackedFrame, type Zone } from "./events/detect-events";

/**
 * A verdict belongs to the event a person looked at: a re-run's row at the same ordinal keeps
 * it only while it is the same event (same label, start time and zone), else the review is cleared.
 */
const sameEvent = sql`${events.label} = excluded.label and ${events.startTime} = excluded.start_time and ${events.zone} is not distinct from excluded.zone`;
const keptReview = {
  reviewVerdict: sql`case when ${sameEvent} then ${events.reviewVerdict} end`,
  reviewNote: sql`case when ${sameEvent} then ${events.reviewNote} end`,
  reviewedAt: sql`case when ${sameEvent} then ${events.reviewedAt} end`,
  reviewedBy: sql`case when ${sameEvent} then ${events.reviewedBy} end`,
};

/**
 * Applies the job's event rules to its tracked detections and stores the events, one row per
 * ordinal (by start time). Re-running replaces the rows; media made for them is redone by the
 * media step. Only what the rules need (label, score, box, track) is loaded.
 */
export async function findEvents(db: Db, jobId: string, rules: EventRules, scene?: { frameSize: FrameSize; zones: Zone[] }): Promise<number> {
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

  const found = detectEvents([...frames.values()], rules, scene?.frameSize, scene?.zones);
  await db.transaction(async (tx) => {
    for (const [ordinal, event] of found.entries()) {
      const values = {
        jobId,
        ordinal,
        label: event.label,
        zone: event.zone ?? null,
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
          set: { ...values, snapshot: null, snapshotAnnotated: null, clip: null, clipStart: null, clipEnd: null, ...keptReview },
        });
    }
    await tx.delete(events).where(and(eq(events.jobId, jobId), sql`${events.ordinal} >= ${found.length}`));
  });
  return found.length;
}
