import { rename, rm } from "node:fs/promises";
import type { Db } from "@/lib/db/client";
import type { Job } from "@/lib/db/schema";
import { FfmpegAbortError, rawFrames, streamFfmpeg, writeFfmpeg } from "@/lib/media/ffmpeg";
import { probeVideo } from "@/lib/media/probe";
import { listDetections } from "./list-detections";
import { DEFAULT_BOX_CONFIDENCE, frameAt, trackColour, visibleBoxes, type DrawnBox } from "./viewer/overlay";
import { placeLabels } from "./viewer/truth";

/** Line width of a burned-in box, in pixels of the output. */
const LINE = 3;

/**
 * Writes `output`, the analysed video with the boxes of `analysis` burned in (those scoring at
 * least DEFAULT_BOX_CONFIDENCE, as the player shows by default): each decoded
 * frame (rgb24 from ffmpeg) gets the boxes of the sampled frame that stands for its moment
 * (lib/analysis/viewer/overlay.ts, the player's rule), outlined in its track's colour with a
 * tag holding the track id, and goes straight to an H.264 encoder. Frames stream through; the
 * only thing held is one frame. The picture only: the sound is not copied.
 */
export async function annotateVideo(
  db: Db,
  analysis: Job,
  input: string,
  output: string,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => Promise<void> | void } = {},
): Promise<{ frames: number; boxes: number; width: number; height: number }> {
  const probe = await probeVideo(input);
  const { width, height } = probe;
  const fps = probe.fps > 0 ? probe.fps : 25;
  const window = await listDetections(db, analysis, { from: 0, to: Math.max(probe.duration, 0) + 3600 });
  const scaleX = window.width > 0 ? width / window.width : 1;
  const scaleY = window.height > 0 ? height / window.height : 1;
  const filter = { hidden: new Set<string>(), minConfidence: DEFAULT_BOX_CONFIDENCE };
  const partial = `${output}.partial.mp4`;
  const encoder = writeFfmpeg([
    "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${width}x${height}`, "-framerate", String(fps), "-i", "pipe:0",
    "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p", "-movflags", "+faststart", partial,
  ]);
  const onAbort = () => encoder.kill();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const total = probe.frameCount || Math.round(probe.duration * fps);
  let n = 0;
  let drawn = 0;
  try {
    const decoded = streamFfmpeg(["-i", input, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], { signal: options.signal });
    for await (const frame of rawFrames(decoded, width * height * 3)) {
      const boxes = visibleBoxes(frameAt(window.frames, n / fps, window.sample_interval), window.labels, filter);
      const scaled = boxes.map((box) => scaleBox(box, scaleX, scaleY));
      // Outlines first, then the id tags where placeLabels puts them (apart, inside the frame).
      for (const box of scaled) drawBox(frame, width, height, box, null);
      const tagged = scaled.filter((box) => box.trackId !== null).sort((a, b) => b.confidence - a.confidence);
      const spots = placeLabels(tagged, tagged.map((box) => tagSize(box.trackId!)), { width, height });
      tagged.forEach((box, i) => spots[i] && drawTag(frame, width, height, box.trackId!, spots[i]));
      drawn += boxes.length;
      await encoder.write(frame);
      n++;
      if (n % 50 === 0) await options.onProgress?.(n, Math.max(total, n));
    }
    await encoder.end();
    await rename(partial, output);
  } catch (error) {
    encoder.kill();
    await rm(partial, { force: true });
    throw options.signal?.aborted ? new FfmpegAbortError() : error;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  await options.onProgress?.(n, n);
  return { frames: n, boxes: drawn, width, height };
}

function scaleBox(box: DrawnBox, sx: number, sy: number): DrawnBox {
  return { ...box, x: box.x * sx, y: box.y * sy, width: box.width * sx, height: box.height * sy };
}

const TAG_SCALE = 2;

/** The size of a track id's tag: 4x5 digits at TAG_SCALE with a margin. */
function tagSize(trackId: number): { width: number; height: number } {
  return { width: String(trackId).length * 4 * TAG_SCALE + 2 * TAG_SCALE, height: 5 * TAG_SCALE + 2 * TAG_SCALE };
}

function drawTag(frame: Buffer, width: number, height: number, trackId: number, spot: { x: number; y: number }): void {
  const { width: tagW, height: tagH } = tagSize(trackId);
  const x0 = Math.round(spot.x);
  const y0 = Math.round(spot.y);
  fillRect(frame, width, height, x0, y0, x0 + tagW - 1, y0 + tagH - 1, trackColour(trackId));
  [...String(trackId)].forEach((digit, i) => drawDigit(frame, width, height, x0 + TAG_SCALE + i * 4 * TAG_SCALE, y0 + TAG_SCALE, Number(digit), TAG_SCALE));
}

/**
 * A box outline and a tag with the track id: above the box (inside when there is no room)
 * unless `tag` says where (the annotate loop places every frame's tags together), or none.
 */
export function drawBox(frame: Buffer, width: number, height: number, box: DrawnBox, tag?: { x: number; y: number } | null): void {
  const colour = trackColour(box.trackId);
  const x0 = clamp(Math.round(box.x), 0, width - 1);
  const y0 = clamp(Math.round(box.y), 0, height - 1);
  const x1 = clamp(Math.round(box.x + box.width) - 1, 0, width - 1);
  const y1 = clamp(Math.round(box.y + box.height) - 1, 0, height - 1);
  fillRect(frame, width, height, x0, y0, x1, Math.min(y1, y0 + LINE - 1), colour);
  fillRect(frame, width, height, x0, Math.max(y0, y1 - LINE + 1), x1, y1, colour);
  fillRect(frame, width, height, x0, y0, Math.min(x1, x0 + LINE - 1), y1, colour);
  fillRect(frame, width, height, Math.max(x0, x1 - LINE + 1), y0, x1, y1, colour);
  if (box.trackId === null || tag === null) return;
  const tagH = tagSize(box.trackId).height;
  drawTag(frame, width, height, box.trackId, tag ?? { x: x0, y: y0 >= tagH ? y0 - tagH : y0 });
}

function fillRect(frame: Buffer, width: number, height: number, x0: number, y0: number, x1: number, y1: number, [r, g, b]: [number, number, number]): void {
  const left = clamp(x0, 0, width - 1);
  const right = clamp(x1, 0, width - 1);
  for (let y = clamp(y0, 0, height - 1); y <= clamp(y1, 0, height - 1); y++) {
    for (let x = left; x <= right; x++) {
      const at = (y * width + x) * 3;
      frame[at] = r;
      frame[at + 1] = g;
      frame[at + 2] = b;
    }
  }
}

/** 3x5 digits, one row per number (bit 2 is the left column). */
const digits = [
  [7, 5, 5, 5, 7], [2, 6, 2, 2, 7], [7, 1, 7, 4, 7], [7, 1, 7, 1, 7], [5, 5, 7, 1, 1],
  [7, 4, 7, 1, 7], [7, 4, 7, 5, 7], [7, 1, 1, 1, 1], [7, 5, 7, 5, 7], [7, 5, 7, 1, 7],
];

function drawDigit(frame: Buffer, width: number, height: number, x: number, y: number, digit: number, scale: number): void {
  digits[digit].forEach((row, dy) => {
    for (let dx = 0; dx < 3; dx++) {
      if (row & (4 >> dx)) fillRect(frame, width, height, x + dx * scale, y + dy * scale, x + dx * scale + scale - 1, y + dy * scale + scale - 1, [0, 0, 0]);
    }
  });
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
