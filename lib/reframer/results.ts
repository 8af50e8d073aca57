import path from "node:path";
import { createInterface } from "node:readline";
import { and, asc, eq, gte, isNotNull, lt } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { analysisFrames, detections, tracks, type Job } from "@/lib/db/schema";
import { contractClassOf } from "@/lib/framing/classes";
import { openJobMedia } from "@/lib/storage/job-media";
import { reframeFiles } from "./files";
import { trackName } from "./measure";

/**
 * GET /results/{job_id} (contracts/reframer.md §5) as JSON text, piece by piece: detections a
 * page of frames at a time, masks a line at a time from the job's NDJSON file, a track's frames
 * one track at a time. What is in memory at once is one page, never the whole answer.
 */
export type ResultsOptions = { classes: "contract" | "coco"; baseUrl: string };

const pageFrames = 200;

export async function* resultsJson(db: Db, job: Job, options: ResultsOptions): AsyncGenerator<string> {
  const result = (job.resultPayload ?? {}) as Record<string, unknown>;
  const nameOf = (label: string): string | null => (options.classes === "coco" ? label : contractClassOf(label));
  yield `{"job_id":${JSON.stringify(job.id)},"status":"success","metadata":${JSON.stringify(result.metadata ?? null)}`;

  // detections: {"<source frame index>": [{class, label, confidence, bbox, track_id}]}
  yield `,"detections":{`;
  let first = true;
  for (let from = 0; ; ) {
    const page = await db
      .select({ frameIndex: analysisFrames.frameIndex })
      .from(analysisFrames)
      .where(and(eq(analysisFrames.jobId, job.id), gte(analysisFrames.frameIndex, from)))
      .orderBy(asc(analysisFrames.frameIndex))
      .limit(pageFrames);
    if (page.length === 0) break;
    const until = page[page.length - 1].frameIndex + 1;
    const rows = await db
      .select({ frameIndex: detections.frameIndex, label: detections.label, confidence: detections.confidence, x: detections.x, y: detections.y, width: detections.width, height: detections.height, trackId: detections.trackId })
      .from(detections)
      .where(and(eq(detections.jobId, job.id), gte(detections.frameIndex, from), lt(detections.frameIndex, until)))
      .orderBy(asc(detections.frameIndex), asc(detections.ordinal));
    let text = "";
    let frame = -1;
    let items: string[] = [];
    const close = () => {
      if (frame >= 0 && items.length) {
        text += `${first ? "" : ","}${JSON.stringify(String(frame))}:[${items.join(",")}]`;
        first = false;
      }
      items = [];
    };
    for (const row of rows) {
      if (row.frameIndex !== frame) {
        close();
        frame = row.frameIndex;
      }
      const name = nameOf(row.label);
      if (!name) continue;
      items.push(
        JSON.stringify({
          class: name,
          label: row.label,
          confidence: round(row.confidence),
          bbox: { x: row.x, y: row.y, width: row.width, height: row.height },
          ...(row.trackId !== null ? { track_id: trackName(row.trackId) } : {}),
        }),
      );
    }
    close();
    if (text) yield text;
    from = until;
  }
  yield "}";

  // segmentation_masks: {"<frame>": [{track_id, class, mask_rle, mask_area_pixels}]}
  yield `,"segmentation_masks":{`;
  const masks = await openJobMedia(job.id, path.basename(reframeFiles(job.id).masks));
  if (masks) {
    const labels = new Map((await db.select({ trackId: tracks.trackId, label: tracks.label }).from(tracks).where(eq(tracks.jobId, job.id))).map((t) => [trackName(t.trackId), t.label]));
    let frame = -1;
    let firstFrame = true;
    let firstInFrame = true;
    for await (const line of createInterface({ input: masks, crlfDelay: Infinity })) {
      if (!line.trim()) continue;
      const mask = JSON.parse(line) as { frame: number; track_id: string; class: string; mask_rle: string; mask_area_pixels: number };
      let text = "";
      if (mask.frame !== frame) {
        text += `${frame >= 0 ? "]" : ""}${firstFrame ? "" : ","}${JSON.stringify(String(mask.frame))}:[`;
        frame = mask.frame;
        firstFrame = false;
        firstInFrame = true;
      }
      const name = options.classes === "coco" ? (labels.get(mask.track_id) ?? mask.class) : mask.class;
      text += `${firstInFrame ? "" : ","}${JSON.stringify({ track_id: mask.track_id, class: name, mask_rle: mask.mask_rle, mask_area_pixels: mask.mask_area_pixels })}`;
      firstInFrame = false;
      yield text;
    }
    if (frame >= 0) yield "]";
  }
  yield "}";

  // tracking: {"obj_001": {class, label, start_frame, end_frame, duration_frames, avg_confidence, frames}}
  yield `,"tracking":{`;
  const fps = Number((result.metadata as { fps?: number } | undefined)?.fps) || 0;
  const all = await db.select().from(tracks).where(eq(tracks.jobId, job.id)).orderBy(asc(tracks.trackId));
  let firstTrack = true;
  for (const track of all) {
    const name = nameOf(track.label);
    if (!name) continue;
    const seen = await db
      .select({ frameIndex: detections.frameIndex, timestamp: detections.timestamp, confidence: detections.confidence })
      .from(detections)
      .where(and(eq(detections.jobId, job.id), eq(detections.trackId, track.trackId), isNotNull(detections.trackId)))
      .orderBy(asc(detections.frameIndex));
    const body = {
      class: name,
      label: track.label,
      start_frame: track.startFrame,
      end_frame: track.endFrame,
      duration_frames: track.endFrame - track.startFrame,
      duration_seconds: round(track.endTime - track.startTime),
      avg_confidence: round(track.avgConfidence),
      frames: seen.map((s) => ({ frame: s.frameIndex, timestamp: round(fps ? s.frameIndex / fps : s.timestamp), confidence: round(s.confidence) })),
    };
    yield `${firstTrack ? "" : ","}${JSON.stringify(trackName(track.trackId))}:${JSON.stringify(body)}`;
    firstTrack = false;
  }
  yield "}";

  yield `,"scenes":${JSON.stringify(result.scenes ?? [])}`;
  const reframe = result.reframe as Record<string, unknown> | null | undefined;
  if (reframe) {
    yield `,"reframed_video_url":${JSON.stringify(`${options.baseUrl}/results/${job.id}/reframed.mp4`)},"reframe":${JSON.stringify(reframe)}`;
  }
  yield `,"masks_info":${JSON.stringify(result.masks ?? null)}}`;
}

/** A generator of text as a response body; pulled, so a slow reader holds back the queries. */
export function textStream(source: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      try {
        const { value, done } = await source.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await source.return(undefined);
    },
  });
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
