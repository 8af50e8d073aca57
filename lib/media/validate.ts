import path from "node:path";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { ffmpegInput, FfmpegError, streamFfmpeg } from "./ffmpeg";
import { containerForExtension, SUPPORTED_CONTAINERS } from "./formats";
import { ffprobeReason, probeVideo, type VideoProbe } from "./probe";

export const MIN_DURATION_SECONDS = 1;
export const MIN_WIDTH = 320;
export const MIN_HEIGHT = 240;

export interface ValidateOptions {
  /** The name the user gave the file; its extension is checked instead of the stored path's. */
  fileName?: string;
  signal?: AbortSignal;
  /** The largest picture accepted, by area; default MAX_RESOLUTION. */
  maxResolution?: { width: number; height: number };
  /** The longest video accepted, in seconds; default: no limit. */
  maxDurationSeconds?: number;
}

function formatSeconds(seconds: number): string {
  return String(Number(seconds.toFixed(2)));
}

/**
 * Decodes one frame at `at` seconds (input seeking, so cheap anywhere in the file) into a tiny
 * grey picture and reports whether a frame came out. The picture is discarded: the point is
 * that the decoder produced something.
 */
async function decodesFrameAt(filePath: string, at: number, signal?: AbortSignal): Promise<boolean> {
  const args = [
    "-v", "error",
    ...(at > 0 ? ["-ss", at.toFixed(3)] : []),
    "-i", ffmpegInput(filePath),
    "-map", "0:v:0",
    "-frames:v", "1",
    "-vf", "scale=16:16",
    "-pix_fmt", "gray",
    "-f", "rawvideo",
    "pipe:1",
  ];
  let bytes = 0;
  for await (const chunk of streamFfmpeg(args, { signal })) bytes += chunk.length;
  return bytes > 0;
}

/**
 * The video stream's own length when the container reports one per stream; the container's
 * duration can include a longer audio track.
 */
function videoDuration(probe: VideoProbe): number {
  const stream = probe.raw.streams.find((candidate) => candidate.codec_type === "video");
  const own = Number(stream?.duration);
  return Number.isFinite(own) && own > 0 ? Math.min(own, probe.duration || own) : probe.duration;
}

/**
 * Accepts a video Framewise can analyse or throws AppError("bad_request") saying why not:
 * empty, not a video, unsupported type, truncated or corrupt, too short, too small. Returns
 * the probe so callers do not run ffprobe twice.
 */
export async function validateVideo(filePath: string, options: ValidateOptions = {}): Promise<VideoProbe> {
  const name = options.fileName ?? filePath;
  const probe = await probeVideo(filePath, { fileName: name });

  if (!probe.hasVideo || probe.isImage) throw new AppError("bad_request", "File is not a video", { code: "not_a_video" });

  // Before anything decodes a frame: one 10000x10000 picture is 150 MB of YUV per copy, and
  // the worker keeps several. Compared by area, so portrait and landscape weigh the same.
  const max = options.maxResolution ?? env().MAX_RESOLUTION;
  if (probe.width * probe.height > max.width * max.height) {
    throw new AppError(
      "bad_request",
      `Video resolution ${probe.width}x${probe.height} exceeds the maximum ${max.width}x${max.height} (by area)`,
    );
  }

  // Before anything decodes a frame too: a tiny file can hold hours of video.
  if (options.maxDurationSeconds !== undefined && probe.duration > options.maxDurationSeconds) {
    throw new AppError(
      "bad_request",
      `Video is too long (${formatSeconds(probe.duration)} s, maximum ${formatSeconds(options.maxDurationSeconds)} s without an API key)`,
    );
  }

  const byExtension = containerForExtension(path.basename(name));
  const byFormat = (SUPPORTED_CONTAINERS as readonly string[]).includes(probe.container);
  if (!byExtension || !byFormat) throw new AppError("bad_request", "Unsupported video type", { code: "unsupported_format" });

  if (!(probe.duration >= MIN_DURATION_SECONDS)) {
    throw new AppError(
      "bad_request",
      `Video is too short (${formatSeconds(probe.duration)} s, minimum ${MIN_DURATION_SECONDS} s)`,
    );
  }

  // Portrait phone videos are as good as landscape ones: compare the long and short sides.
  const longSide = Math.max(probe.width, probe.height);
  const shortSide = Math.min(probe.width, probe.height);
  if (longSide < MIN_WIDTH || shortSide < MIN_HEIGHT) {
    throw new AppError(
      "bad_request",
      `Video resolution ${probe.width}x${probe.height} is below the minimum ${MIN_WIDTH}x${MIN_HEIGHT}`,
    );
  }

  // AVI and similar headers are written when recording ends: fewer packets than the header
  // declares means the file was cut off.
  if (
    probe.frameCountSource === "counted" &&
    probe.declaredFrameCount > 0 &&
    probe.frameCount < probe.declaredFrameCount - Math.max(2, probe.declaredFrameCount * 0.02)
  ) {
    throw new AppError(
      "bad_request",
      `Video file is truncated or corrupt: ${probe.frameCount} of ${probe.declaredFrameCount} frames present`,
    );
  }

  // A header can be intact while the data is not: decode the first frame and one near the end.
  const endAt = Math.max(0, videoDuration(probe) - 1.5);
  try {
    const [first, last] = await Promise.all([
      decodesFrameAt(filePath, 0, options.signal),
      endAt > 0 ? decodesFrameAt(filePath, endAt, options.signal) : Promise.resolve(true),
    ]);
    if (!first) throw new AppError("bad_request", "Video file is truncated or corrupt: no frame could be decoded");
    if (!last) {
      throw new AppError(
        "bad_request",
        `Video file is truncated or corrupt: no frames after ${formatSeconds(endAt)} s of ${formatSeconds(probe.duration)} s`,
      );
    }
  } catch (error) {
    if (error instanceof FfmpegError) {
      throw new AppError("bad_request", `Video file is truncated or corrupt: ${ffprobeReason(error.stderr || error.message)}`);
    }
    throw error;
  }

  return probe;
}
