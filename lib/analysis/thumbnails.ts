import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { detections, type Job } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { renderToFile } from "@/lib/media/ffmpeg";
import { takeSnapshot } from "@/lib/media/snapshot";
import { madeOnce, mediaInput } from "@/lib/storage/job-media";
import { analysisGeometry } from "./list-detections";

/** Widths of a frame at a whole second: a scrubbing thumbnail, and a still to draw zones on. */
export const FRAME_WIDTHS = { small: 160, frame: 960 } as const;
export type FrameSize = keyof typeof FRAME_WIDTHS;
/** Height of a track's picture (the crop of its most confident box). */
const TRACK_HEIGHT = 128;


/**
 * The frame at whole second `second` of the job's video, small for scrubbing or larger (at most
 * 960 wide, never enlarged) for the zone editor: made once on first request and kept in the job's
 * media folder (thumbs/), so scrubbing costs one ffmpeg seek per second.
 */
export async function scrubThumbnail(job: Job, video: string, second: number, size: FrameSize = "small"): Promise<string> {
  const { duration, width: videoWidth } = analysisGeometry(job);
  if (duration > 0 && second > Math.ceil(duration)) throw new AppError("not_found", `No frame at ${second} s: the video is ${duration.toFixed(1)} s long`);
  const prefix = size === "small" ? "s" : "f";
  const name = `thumbs/${prefix}-${String(second).padStart(5, "0")}.jpg`;
  // The last second may hold no frame at its start: step back a little from the end.
  const at = duration > 0 ? Math.min(second, Math.max(0, duration - 0.2)) : second;
  const width = videoWidth > 0 ? Math.min(FRAME_WIDTHS[size], videoWidth) : FRAME_WIDTHS[size];
  return madeOnce(job.id, name, async (file) => takeSnapshot({ input: await mediaInput(video), at, output: file, width, quality: size === "small" ? 5 : 3 }));
}

/** A track's picture: its most confident box cut out of that frame, with a little margin. */
export async function trackThumbnail(db: Db, job: Job, video: string, trackId: number): Promise<string> {
  const [best] = await db
    .select({ t: detections.timestamp, x: detections.x, y: detections.y, width: detections.width, height: detections.height })
    .from(detections)
    .where(and(eq(detections.jobId, job.id), eq(detections.trackId, trackId)))
    .orderBy(desc(detections.confidence))
    .limit(1);
  if (!best) throw new AppError("not_found", `Track ${trackId} not found`);
  const name = `thumbs/track-${String(trackId).padStart(5, "0")}.jpg`;
  const margin = Math.round(Math.max(best.width, best.height) * 0.1);
  const x = Math.max(0, best.x - margin);
  const y = Math.max(0, best.y - margin);
  const crop = `crop=w='min(${best.width + 2 * margin},iw-${x})':h='min(${best.height + 2 * margin},ih-${y})':x=${x}:y=${y}`;
  return madeOnce(job.id, name, async (file) =>
    renderToFile(
      file,
      {
        input: await mediaInput(video),
        inputOptions: best.t > 0 ? ["-ss", best.t.toFixed(3)] : [],
        outputOptions: ["-map", "0:v:0", "-frames:v", "1", "-vf", `${crop},scale=-2:${TRACK_HEIGHT}`, "-q:v", "4", "-f", "mjpeg"],
      },
      { timeoutMs: 30_000 },
    ),
  );
}
