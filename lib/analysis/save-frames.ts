import { and, count, eq, inArray, sql } from "drizzle-orm";
import { pgColumn } from "@/lib/db/arrays";
import type { Db } from "@/lib/db/client";
import { analysisFrames, detections } from "@/lib/db/schema";
import type { WorkerFrame } from "@/lib/inference/worker-client";
import { RESULT_KEYS } from "@/lib/inference/worker-protocol";

/** Result fields with a column of their own; every other task's result goes to the frame's extras. */
const columns = new Set<string>(["detections", "embedding"]);
const extraKeys = RESULT_KEYS.filter((key) => !columns.has(key));

/**
 * Writes a batch of analysed frames and their detections. Idempotent: a retried chunk step
 * replaces the rows of the frames it covers instead of adding to them.
 */
export async function saveFrames(db: Db, jobId: string, frames: WorkerFrame[]): Promise<void> {
  if (frames.length === 0) return;
  const indices = frames.map((frame) => frame.index);
  await db.transaction(async (tx) => {
    await tx
      .insert(analysisFrames)
      .values(
        frames.map((frame) => ({
          jobId,
          frameIndex: frame.index,
          timestamp: frame.timestamp,
          embedding: frame.embedding ?? null,
          extras: extrasOf(frame),
        })),
      )
      .onConflictDoUpdate({
        target: [analysisFrames.jobId, analysisFrames.frameIndex],
        set: {
          timestamp: sql`excluded.timestamp`,
          embedding: sql`excluded.embedding`,
          extras: sql`excluded.extras`,
        },
      });
    await tx.delete(detections).where(and(eq(detections.jobId, jobId), inArray(detections.frameIndex, indices)));
    const rows = frames.flatMap((frame) => frame.detections.map((detection, ordinal) => ({ frame, detection, ordinal })));
    if (rows.length) {
      await tx.execute(sql`
        insert into detections (job_id, frame_index, ordinal, timestamp, label, confidence, x, y, width, height, appearance)
        select ${jobId}::uuid, frame_index, ordinal, timestamp, label, confidence, x, y, width, height,
          case when appearance = '' then null else string_to_array(appearance, ',')::real[] end
        from unnest(
          ${pgColumn(rows, (r) => r.frame.index)}::int[], ${pgColumn(rows, (r) => r.ordinal)}::int[], ${pgColumn(rows, (r) => r.frame.timestamp)}::real[],
          ${pgColumn(rows, (r) => r.detection.class)}::text[], ${pgColumn(rows, (r) => r.detection.confidence)}::real[],
          ${pgColumn(rows, (r) => Math.round(r.detection.bbox.x))}::int[], ${pgColumn(rows, (r) => Math.round(r.detection.bbox.y))}::int[],
          ${pgColumn(rows, (r) => Math.round(r.detection.bbox.width))}::int[], ${pgColumn(rows, (r) => Math.round(r.detection.bbox.height))}::int[],
          -- unnest cannot take a ragged array of arrays: each signature travels as one text cell.
          ${pgColumn(rows, (r) => (r.detection.appearance ?? []).join(","))}::text[])
          as v(frame_index, ordinal, timestamp, label, confidence, x, y, width, height, appearance)`);
    }
  });
}

/** Frames analysed so far: the `processed` of the job's progress. */
export async function countAnalysedFrames(db: Db, jobId: string): Promise<number> {
  const [{ value }] = await db.select({ value: count() }).from(analysisFrames).where(eq(analysisFrames.jobId, jobId));
  return Number(value);
}

function extrasOf(frame: WorkerFrame): Record<string, unknown> | null {
  const extras = Object.fromEntries(
    extraKeys.filter((key) => frame[key] !== undefined).map((key) => [key, frame[key]]),
  );
  return Object.keys(extras).length ? extras : null;
}
