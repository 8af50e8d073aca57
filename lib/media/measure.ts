import { ffmpegInput, rawFrames, streamFfmpeg } from "./ffmpeg";
import type { VideoProbe } from "./probe";

/**
 * Picture-quality figures measured on luma (8-bit grey) frames, the numbers the enhancement
 * preset chooses from and reports before and after:
 * - sharpness: variance of the 4-neighbour Laplacian (higher is sharper, and noise raises it too);
 * - noise: Immerkær's fast estimate of the noise's standard deviation, in 0-255 luma steps,
 *   over pixels that are not on an edge (a gradient above EDGE_GRADIENT is structure, not noise);
 * - mean_luma: mean grey level, 0-255;
 * - contrast: standard deviation of the grey levels (RMS contrast), 0-255;
 * - black / white: the 1st and 99th percentile grey levels (for a levels stretch).
 */
export interface FrameFigures {
  sharpness: number;
  noise: number;
  mean_luma: number;
  contrast: number;
  black: number;
  white: number;
}

/** |dx| + |dy| (central differences) above this is treated as an edge by the noise estimate. */
export const EDGE_GRADIENT = 40;

export function measureFrame(gray: Uint8Array, width: number, height: number, edgeGradient = EDGE_GRADIENT): FrameFigures {
  const histogram = new Float64Array(256);
  let sum = 0;
  let sumSquares = 0;
  for (let index = 0; index < width * height; index++) {
    const value = gray[index];
    histogram[value]++;
    sum += value;
    sumSquares += value * value;
  }
  const pixels = width * height;
  const mean = pixels > 0 ? sum / pixels : 0;
  const contrast = pixels > 0 ? Math.sqrt(Math.max(0, sumSquares / pixels - mean * mean)) : 0;

  let lapSum = 0;
  let lapSquares = 0;
  let noiseSum = 0;
  let noisePixels = 0;
  let interior = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const c = gray[i];
      const n = gray[i - width];
      const s = gray[i + width];
      const w = gray[i - 1];
      const e = gray[i + 1];
      const laplacian = n + s + w + e - 4 * c;
      lapSum += laplacian;
      lapSquares += laplacian * laplacian;
      interior++;
      if (Math.abs(e - w) + Math.abs(s - n) > edgeGradient) continue;
      // Immerkær's mask [[1,-2,1],[-2,4,-2],[1,-2,1]]: cancels smooth structure, keeps noise.
      const mask =
        gray[i - width - 1] - 2 * n + gray[i - width + 1] - 2 * w + 4 * c - 2 * e + gray[i + width - 1] - 2 * s + gray[i + width + 1];
      noiseSum += Math.abs(mask);
      noisePixels++;
    }
  }
  const lapMean = interior > 0 ? lapSum / interior : 0;
  const sharpness = interior > 0 ? lapSquares / interior - lapMean * lapMean : 0;
  const noise = noisePixels > 0 ? (Math.sqrt(Math.PI / 2) * noiseSum) / (6 * noisePixels) : 0;
  return { sharpness, noise, mean_luma: mean, contrast, black: percentile(histogram, pixels, 0.01), white: percentile(histogram, pixels, 0.99) };
}

function percentile(histogram: Float64Array, total: number, fraction: number): number {
  const target = total * fraction;
  let seen = 0;
  for (let value = 0; value < 256; value++) {
    seen += histogram[value];
    if (seen > target) return value;
  }
  return 255;
}

/** The mean of each figure over frames, rounded for reports. */
export function meanFigures(frames: FrameFigures[]): FrameFigures {
  const keys: (keyof FrameFigures)[] = ["sharpness", "noise", "mean_luma", "contrast", "black", "white"];
  const out = {} as FrameFigures;
  for (const key of keys) {
    const total = frames.reduce((acc, frame) => acc + frame[key], 0);
    out[key] = frames.length ? round(total / frames.length, key === "sharpness" ? 1 : 2) : 0;
  }
  return out;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** A size no wider than maxWidth, even on both sides (what ffmpeg's scale gets). */
export function measureSize(width: number, height: number, maxWidth: number): { width: number; height: number } {
  if (width <= maxWidth) return { width: Math.max(2, width - (width % 2)), height: Math.max(2, height - (height % 2)) };
  return { width: maxWidth - (maxWidth % 2), height: Math.max(2, Math.round((height * maxWidth) / width / 2) * 2) };
}

/**
 * Decodes grey frames from ffmpeg at `size` and hands each whole frame to `onFrame`. The pipe is
 * read chunk by chunk: one frame buffer is held, never the video.
 */
export async function forEachGrayFrame(
  args: { input: string; filters: string; frames?: number; inputOptions?: string[] },
  size: { width: number; height: number },
  onFrame: (gray: Uint8Array, index: number) => void,
  signal?: AbortSignal,
): Promise<number> {
  const frameBytes = size.width * size.height;
  let count = 0;
  const command = [
    "-v", "error",
    ...(args.inputOptions ?? []),
    "-i", ffmpegInput(args.input),
    "-map", "0:v:0", "-an", "-sn", "-dn",
    "-vf", `${args.filters},scale=${size.width}:${size.height}:flags=area,format=gray`,
    "-fps_mode", "passthrough",
    ...(args.frames ? ["-frames:v", String(args.frames)] : []),
    "-f", "rawvideo", "pipe:1",
  ];
  for await (const frame of rawFrames(streamFfmpeg(command, { signal }), frameBytes)) onFrame(frame, count++);
  return count;
}

export interface VideoFigures extends FrameFigures {
  /** Frames the figures are the mean of, and the size they were measured at. */
  frames: number;
  width: number;
  height: number;
}

/**
 * Figures of `samples` frames spread evenly over the video (at (i + 0.5) / samples of its
 * length), measured at most `maxWidth` wide. Each frame is reached by input seeking, so a long
 * video costs no more than a short one. The same call on the original and on the enhanced file
 * compares like with like (same times, same size).
 */
export async function measureVideo(
  file: string,
  probe: Pick<VideoProbe, "duration" | "displayWidth" | "displayHeight">,
  options: { samples?: number; maxWidth?: number; size?: { width: number; height: number }; signal?: AbortSignal; onProgress?: (percent: number) => void } = {},
): Promise<VideoFigures> {
  const samples = Math.max(1, options.samples ?? 8);
  const size = options.size ?? measureSize(probe.displayWidth, probe.displayHeight, options.maxWidth ?? 640);
  const frames: FrameFigures[] = [];
  for (let index = 0; index < samples; index++) {
    const at = probe.duration > 0 ? (probe.duration * (index + 0.5)) / samples : 0;
    await forEachGrayFrame(
      { input: file, filters: "null", frames: 1, inputOptions: at > 0 ? ["-ss", at.toFixed(3)] : [] },
      size,
      (gray) => frames.push(measureFrame(gray, size.width, size.height)),
      options.signal,
    );
    options.onProgress?.(Math.round(((index + 1) / samples) * 100));
  }
  return { ...meanFigures(frames), frames: frames.length, ...size };
}

/**
 * The global shift from `previous` to `next` (whole pixels, |d| <= maxShift) that minimises the
 * mean absolute difference over the overlap, searched exhaustively on every second pixel.
 */
export function estimateShift(previous: Uint8Array, next: Uint8Array, width: number, height: number, maxShift = 6): { dx: number; dy: number } {
  let best = { dx: 0, dy: 0 };
  let bestCost = Infinity;
  for (let dy = -maxShift; dy <= maxShift; dy++) {
    for (let dx = -maxShift; dx <= maxShift; dx++) {
      let cost = 0;
      let count = 0;
      for (let y = maxShift; y < height - maxShift; y += 2) {
        const row = y * width;
        const shifted = (y + dy) * width + dx;
        for (let x = maxShift; x < width - maxShift; x += 2) {
          cost += Math.abs(previous[row + x] - next[shifted + x]);
          count++;
        }
      }
      cost /= Math.max(1, count);
      // Ties go to the smaller shift: a flat picture has not moved.
      if (cost < bestCost - 1e-9 || (Math.abs(cost - bestCost) <= 1e-9 && Math.abs(dx) + Math.abs(dy) < Math.abs(best.dx) + Math.abs(best.dy))) {
        bestCost = cost;
        best = { dx, dy };
      }
    }
  }
  return best;
}

/**
 * Shake: the RMS distance, in pixels of the measured size, between the camera path (the summed
 * shifts) and the same path smoothed over `window` frames. A steady pan moves the path but not
 * away from its smooth version; jitter does.
 */
export function shakeOf(shifts: { dx: number; dy: number }[], window = 9): number {
  if (shifts.length < 3) return 0;
  const path: { x: number; y: number }[] = [{ x: 0, y: 0 }];
  for (const shift of shifts) path.push({ x: path.at(-1)!.x + shift.dx, y: path.at(-1)!.y + shift.dy });
  const half = Math.floor(window / 2);
  let squares = 0;
  for (let index = 0; index < path.length; index++) {
    // A centred window, narrower near the ends: a steady pan is its own smooth path.
    const reach = Math.min(half, index, path.length - 1 - index);
    const from = index - reach;
    const to = index + reach;
    let sx = 0;
    let sy = 0;
    for (let k = from; k <= to; k++) {
      sx += path[k].x;
      sy += path[k].y;
    }
    const n = to - from + 1;
    squares += (path[index].x - sx / n) ** 2 + (path[index].y - sy / n) ** 2;
  }
  return Math.round(Math.sqrt(squares / path.length) * 100) / 100;
}

export const SHAKE_WIDTH = 160;

/** Shake over the first `seconds` of consecutive frames, measured SHAKE_WIDTH wide. */
export async function measureShake(
  file: string,
  probe: Pick<VideoProbe, "displayWidth" | "displayHeight" | "fps">,
  options: { seconds?: number; signal?: AbortSignal } = {},
): Promise<{ shake: number; frames: number }> {
  const size = measureSize(probe.displayWidth, probe.displayHeight, SHAKE_WIDTH);
  const frames = Math.max(3, Math.round((options.seconds ?? 4) * (probe.fps > 0 ? probe.fps : 25)));
  let previous: Uint8Array | null = null;
  const shifts: { dx: number; dy: number }[] = [];
  const count = await forEachGrayFrame({ input: file, filters: "null", frames }, size, (gray) => {
    if (previous) shifts.push(estimateShift(previous, gray, size.width, size.height));
    previous = Uint8Array.from(gray);
  }, options.signal);
  return { shake: shakeOf(shifts), frames: count };
}

/**
 * Share of frames ffmpeg's `idet` calls interlaced (top or bottom field first) among those it
 * decided, over the first `frames` frames; 0 when it decided none.
 */
export async function measureInterlacing(file: string, options: { frames?: number; signal?: AbortSignal } = {}): Promise<{ ratio: number; frames: number }> {
  const args = [
    "-v", "error",
    "-i", ffmpegInput(file),
    "-map", "0:v:0", "-an", "-sn", "-dn",
    "-frames:v", String(options.frames ?? 150),
    "-vf", "idet,metadata=mode=print:file='pipe\\:1'",
    "-f", "null", "-",
  ];
  let text = "";
  for await (const chunk of streamFfmpeg(args, { signal: options.signal })) text = (text + chunk.toString("utf8")).slice(-4096);
  const last = (name: string) => {
    const matches = [...text.matchAll(new RegExp(`lavfi\\.idet\\.multiple\\.${name}=([0-9.]+)`, "g"))];
    return matches.length ? Number(matches.at(-1)![1]) : 0;
  };
  const interlaced = last("tff") + last("bff");
  const decided = interlaced + last("progressive");
  return { ratio: decided > 0 ? Math.round((interlaced / decided) * 100) / 100 : 0, frames: Math.round(decided + last("undetermined")) };
}
