import { and, asc, eq, isNotNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { events, type Job } from "@/lib/db/schema";
import { cocoCategories } from "@/lib/editor/analysis-exports";
import { analysisGeometry } from "./list-detections";

/**
 * The job's reviewed events as COCO-style labels (cocodataset.org/#format-data), for an
 * evaluation to read: one image per reviewed event, its best frame (`file_name` the snapshot in
 * the job's media folder, `coco_url` where it is served), one annotation per box drawn on it
 * (`category_id` the box's label, `bbox` [x, y, width, height] in source pixels), each with
 * `attributes: {verdict, event_label, event_id}`. Both verdicts are kept: a false positive is a
 * labelled negative. Categories are the analysis exports' (COCO's 91-scheme ids, others from 1000).
 */
export async function exportReviewedEvents(db: Db, job: Job, base: string) {
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.jobId, job.id), isNotNull(events.reviewVerdict)))
    .orderBy(asc(events.ordinal));
  const { width, height } = analysisGeometry(job);
  const { categories, categoryId } = cocoCategories();
  const mediaBase = `${base}/api/jobs/${job.id}/media`;
  const video = (job.payload as { filename?: string }).filename ?? "video";
  const images = rows.map((event, i) => ({
    id: i + 1,
    // Without media (an event the media step could not cut), the frame is named by its time.
    file_name: event.snapshot ?? `${video}#t=${event.bestTimestamp.toFixed(3)}`,
    coco_url: event.snapshot ? `${mediaBase}/${encodeURIComponent(event.snapshot)}` : null,
    width,
    height,
    frame_index: event.bestFrameIndex,
    timestamp: Math.round(event.bestTimestamp * 1000) / 1000,
  }));
  let next = 1;
  const annotations = rows.flatMap((event, i) =>
    event.boxes.map((item) => ({
      id: next++,
      image_id: images[i].id,
      category_id: categoryId(item.label),
      bbox: [item.box.x, item.box.y, item.box.width, item.box.height],
      area: item.box.width * item.box.height,
      iscrowd: 0,
      score: Math.round(item.score * 10_000) / 10_000,
      track_id: item.trackId,
      attributes: { verdict: event.reviewVerdict!, event_label: event.label, event_id: event.id },
    })),
  );
  return {
    info: { description: `Framewise reviewed events of job ${job.id}`, version: "1.0", date_created: new Date().toISOString() },
    licenses: [],
    images,
    annotations,
    categories,
  };
}
