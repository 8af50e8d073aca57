import path from "node:path";
import { ffmpegInput, streamFfmpeg } from "./ffmpeg";
import { probeVideo, type VideoProbe } from "./probe";

/** contracts/enhance-metadata.md, "Metadata Format", field for field. */
export interface VideoMetadata {
  file_id: string;
  filename: string;
  format: string;
  resolution: { width: number; height: number };
  fps: number;
  frame_count: number;
  duration_seconds: number;
  file_size_bytes: number;
  bit_rate: string;
  color_profile: ColorProfile;
  advanced: Record<string, unknown>;
}

export interface ColorProfile {
  /** 256 bins per channel, each histogram normalised to sum 1. Keys in the contract's b, g, r order. */
  histograms: { b: number[]; g: number[]; r: number[] };
  average_color: { b: number; g: number; r: number };
}

export interface ExtractMetadataOptions {
  path: string;
  fileId: string;
  /** The name shown to the user (default: the stored file's name). */
  filename?: string;
  /**
   * Frames sampled evenly over the video for the colour profile; by default every frame, in
   * one streaming pass.
   */
  samples?: number;
  /** Frames wider than this are scaled down (area average) before counting (bounds the cost of 4K). */
  maxWidth?: number;
  probe?: VideoProbe;
  /** 0-100 as sampled frames arrive. */
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
}

export interface ColorSample {
  profile: ColorProfile;
  frames: number;
  width: number;
  height: number;
}

function evenSize(width: number, height: number, maxWidth: number): { width: number; height: number } {
  if (width <= maxWidth) return { width, height };
  const scaledHeight = Math.max(2, Math.round((height * maxWidth) / width / 2) * 2);
  return { width: maxWidth, height: scaledHeight };
}

/**
 * Every frame (or, with `samples`, that many frames spread over the video), scaled to at most
 * `maxWidth` (640 by default, area averaging) and decoded by ffmpeg to rgb24 on a pipe, counted
 * into per-channel histograms as the bytes stream past: one pass. Each histogram is the share
 * of all counted pixels at each level 0-255 (it sums to 1); average_color is the rounded mean. Nothing is buffered beyond one pipe
 * chunk: a byte's channel is its offset modulo 3, whatever chunk it arrives in.
 */
export async function sampleColorProfile(
  filePath: string,
  probe: VideoProbe,
  options: Pick<ExtractMetadataOptions, "samples" | "maxWidth" | "onProgress" | "signal"> = {},
): Promise<ColorSample> {
  const all = options.samples === undefined;
  const samples = all ? Math.max(1, probe.frameCount) : Math.max(1, Math.round(options.samples!));
  const { width, height } = evenSize(probe.displayWidth, probe.displayHeight, options.maxWidth ?? 640);
  const interval = probe.duration > 0 ? probe.duration / samples : 0;
  // One frame, then the next one at least `interval` seconds later, and so on.
  const select = all ? "" : `select='isnan(prev_selected_t)+gte(t-prev_selected_t,${interval.toFixed(4)})',`;
  const args = [
    "-v", "error",
    "-i", ffmpegInput(filePath),
    "-map", "0:v:0",
    "-an", "-sn", "-dn",
    "-vf", `${select}scale=${width}:${height}:flags=area`,
    "-fps_mode", "passthrough",
    ...(all ? [] : ["-frames:v", String(samples)]),
    "-pix_fmt", "rgb24",
    "-f", "rawvideo",
    "pipe:1",
  ];

  // Integer bins count fastest; they are folded into the float totals long before 2^32. One
  // flat array holding two copies of the three histograms, even pixels counting into the first
  // and odd pixels into the second: neighbouring pixels are mostly equal, and two increments of
  // one bin in a row wait on each other (measured 1.4-1.7x faster than three arrays, one copy).
  const bins = new Uint32Array(6 * 256);
  const totals = [new Float64Array(256), new Float64Array(256), new Float64Array(256)];
  let sinceFold = 0;
  const fold = () => {
    for (let channel = 0; channel < 3; channel++) {
      for (let value = 0; value < 256; value++) totals[channel][value] += bins[channel * 256 + value] + bins[(channel + 3) * 256 + value];
    }
    bins.fill(0);
    sinceFold = 0;
  };
  const frameBytes = width * height * 3;
  let offset = 0;
  let reportedFrames = 0;
  for await (const chunk of streamFfmpeg(args, { signal: options.signal })) {
    let index = 0;
    // Finish the pixel the previous chunk started, then count whole pixel pairs, a last whole
    // pixel, and the start of the next one, without a modulo in the loop.
    for (let channel = offset % 3; channel !== 0 && index < chunk.length; channel = (channel + 1) % 3) {
      bins[channel * 256 + chunk[index++]]++;
    }
    const pairs = index + Math.floor((chunk.length - index) / 6) * 6;
    for (; index < pairs; index += 6) {
      bins[chunk[index]]++;
      bins[256 + chunk[index + 1]]++;
      bins[512 + chunk[index + 2]]++;
      bins[768 + chunk[index + 3]]++;
      bins[1024 + chunk[index + 4]]++;
      bins[1280 + chunk[index + 5]]++;
    }
    for (let channel = 0; index < chunk.length; channel = (channel + 1) % 3) bins[channel * 256 + chunk[index++]]++;
    offset += chunk.length;
    sinceFold += chunk.length;
    if (sinceFold > 1_000_000_000) fold();

    const frames = Math.floor(offset / frameBytes);
    if (options.onProgress && frames > reportedFrames) {
      reportedFrames = frames;
      options.onProgress(Math.min(99, Math.round((frames / samples) * 100)));
    }
  }

  const pixels = offset / 3;
  fold();
  const normalise = (histogram: Float64Array) => Array.from(histogram, (count) => (pixels > 0 ? count / pixels : 0));
  const mean = (histogram: Float64Array) => {
    let sum = 0;
    for (let value = 0; value < 256; value++) sum += value * histogram[value];
    return pixels > 0 ? Math.round(sum / pixels) : 0;
  };
  const [r, g, b] = totals;
  options.onProgress?.(100);
  return {
    profile: {
      histograms: { b: normalise(b), g: normalise(g), r: normalise(r) },
      average_color: { b: mean(b), g: mean(g), r: mean(r) },
    },
    frames: Math.floor(offset / frameBytes),
    width,
    height,
  };
}

/**
 * Builds the metadata record of contracts/enhance-metadata.md: container facts from ffprobe,
 * a colour profile from sampled frames, and the rest of ffprobe's output under `advanced`
 * (with the server-side path replaced by the file's name).
 */
export async function extractMetadata(options: ExtractMetadataOptions): Promise<VideoMetadata> {
  const probe = options.probe ?? (await probeVideo(options.path));
  const sample = await sampleColorProfile(options.path, probe, options);
  const filename = options.filename ?? path.basename(options.path);
  const format = { ...(probe.raw.format as Record<string, unknown>), filename };

  return {
    file_id: options.fileId,
    filename,
    format: probe.container,
    resolution: { width: probe.displayWidth, height: probe.displayHeight },
    fps: Number(probe.fps.toFixed(3)),
    frame_count: probe.frameCount,
    // The contract says integer; whole seconds, truncated like the reference implementation's int().
    duration_seconds: Math.trunc(probe.duration),
    file_size_bytes: probe.fileSize,
    bit_rate: probe.bitRate === null ? "N/A" : String(probe.bitRate),
    color_profile: sample.profile,
    advanced: {
      duration: probe.duration,
      codec: probe.codec,
      pixel_format: probe.pixelFormat,
      rotation: probe.rotation,
      interlaced: probe.interlaced,
      field_order: probe.fieldOrder,
      frame_count_source: probe.frameCountSource,
      audio_streams: probe.audio,
      sampled_frames: sample.frames,
      histogram_sampling: options.samples === undefined ? "every frame" : `${options.samples} frames spread evenly`,
      sampled_size: { width: sample.width, height: sample.height },
      format,
      streams: probe.raw.streams,
    },
  };
}
