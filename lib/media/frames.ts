import { AppError } from "@/lib/errors";
import { ffmpegInput, FfmpegError, probeJson, rawFrames, streamFfmpeg } from "./ffmpeg";

/**
 * Frame decoding through ffmpeg writing raw RGB24 to a pipe (ffmpeg.ts streamFfmpeg). Frames
 * are produced one at a time as the consumer asks for them: the pipe's backpressure pauses
 * ffmpeg, nothing is written to disk, and leaving the loop early kills the process.
 */
export type Frame = {
  /** Source frame index: round(timestamp * source fps). */
  index: number;
  /** Seconds from the start of the video, exact on the sampling grid (start + k / fps). */
  timestamp: number;
  width: number;
  height: number;
  /** width * height * 3 bytes, RGB, row-major. */
  data: Buffer;
};

export type Image = { width: number; height: number; data: Buffer };

export type VideoStreamInfo = { width: number; height: number; fps: number; duration: number };

export type DecodeFramesOptions = {
  path: string;
  /** Seconds; default 0. */
  start?: number;
  /** Seconds, exclusive; default the end of the video. */
  end?: number;
  /** Sampling rate in frames per second. */
  fps: number;
  /** Output size; give one side to keep the aspect ratio, none for the source size. */
  width?: number;
  height?: number;
  /** Source frame rate for `index`; probed when absent. */
  sourceFps?: number;
  /**
   * A probe the caller already has (saves one ffprobe run). Its size is enforced: frames are
   * always scaled to it, so a stale one gives wrong pictures, never buffers cut at the wrong
   * place.
   */
  info?: VideoStreamInfo;
};

export async function* decodeFrames(options: DecodeFramesOptions): AsyncGenerator<Frame> {
  const { path, fps } = options;
  if (!(fps > 0)) throw new AppError("bad_request", "fps must be positive");
  const start = options.start ?? 0;
  const needsProbe = options.sourceFps === undefined || options.end === undefined || !(options.width && options.height);
  const info = options.info ?? (needsProbe ? await probeVideoStream(path) : undefined);
  const end = options.end ?? info!.duration;
  const sourceFps = options.sourceFps ?? info!.fps;
  const { width, height } = outputSize(options.width, options.height, info);
  const count = Math.ceil((end - start) * fps - 1e-9);
  if (count <= 0) return;

  // The scale is there even at the source size: it costs nothing then (measured: the same bytes
  // and the same time on vtest.avi and on H.264), and it makes every frame exactly the size the
  // buffers below are cut to, whatever the file turns out to hold.
  const filters = [`fps=${fps}`, `scale=${width}:${height}:flags=bilinear`];
  const args = [
    ...["-loglevel", "error"],
    // -ss before -i seeks by index and then decodes accurately up to the exact start.
    ...["-ss", String(start), "-i", ffmpegInput(path), "-t", String(end - start)],
    ...["-an", "-vf", filters.join(","), "-frames:v", String(count)],
    ...["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"],
  ];
  const frameSize = width * height * 3;
  let produced = 0;
  let leftover = 0;
  try {
    for await (const data of rawFrames(streamFfmpeg(args), frameSize, { fresh: true, leftover: (bytes) => (leftover = bytes) })) {
      const timestamp = start + produced / fps;
      yield { index: Math.round(timestamp * sourceFps + 1e-6), timestamp, width, height, data };
      produced++;
    }
  } catch (error) {
    throw decodeFailure(path, error);
  }
  if (leftover !== 0) throw new AppError("unsupported_media", `ffmpeg ended inside a frame of ${path}`);
}

/** One still image (jpg, png, ...) as RGB24, optionally resized. */
export async function decodeImage(path: string, size?: { width: number; height: number }): Promise<Image> {
  const info = await probeVideoStream(path);
  const width = size?.width ?? info.width;
  const height = size?.height ?? info.height;
  const filters = width !== info.width || height !== info.height ? ["-vf", `scale=${width}:${height}:flags=bilinear`] : [];
  const chunks: Buffer[] = [];
  try {
    const args = ["-loglevel", "error", "-i", ffmpegInput(path), ...filters, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"];
    for await (const chunk of streamFfmpeg(args)) chunks.push(chunk);
  } catch (error) {
    throw decodeFailure(path, error);
  }
  const data = Buffer.concat(chunks);
  if (data.length !== width * height * 3) throw new AppError("unsupported_media", `ffmpeg could not decode ${path}: wrong size`);
  return { width, height, data };
}

/**
 * The first video stream's size as shown (ffmpeg applies the display matrix when it decodes, so
 * a phone video tagged 90 degrees arrives portrait), frame rate and duration, from one small
 * ffprobe call.
 */
export async function probeVideoStream(path: string): Promise<VideoStreamInfo> {
  let parsed: {
    streams?: {
      width?: number;
      height?: number;
      avg_frame_rate?: string;
      r_frame_rate?: string;
      duration?: string;
      tags?: { rotate?: string };
      side_data_list?: { rotation?: number }[];
    }[];
    format?: { duration?: string };
  };
  try {
    parsed = (await probeJson(path, [
      ...["-select_streams", "v:0"],
      ...["-show_entries", "stream=width,height,avg_frame_rate,r_frame_rate,duration:stream_tags=rotate:stream_side_data=rotation:format=duration"],
    ])) as typeof parsed;
  } catch (error) {
    const detail = error instanceof FfmpegError ? error.stderr : String(error);
    throw new AppError("unsupported_media", `ffprobe could not read ${path}: ${detail}`);
  }
  const stream = parsed.streams?.[0];
  if (!stream?.width || !stream.height) throw new AppError("unsupported_media", `${path} has no video stream`);
  const fps = rate(stream.avg_frame_rate) || rate(stream.r_frame_rate) || 0;
  const duration = Number(stream.duration ?? parsed.format?.duration ?? 0) || 0;
  const degrees = Number(stream.side_data_list?.find((side) => side.rotation !== undefined)?.rotation ?? stream.tags?.rotate ?? 0) || 0;
  const quarterTurn = Math.abs(Math.round(degrees / 90)) % 2 === 1;
  return quarterTurn ? { width: stream.height, height: stream.width, fps, duration } : { width: stream.width, height: stream.height, fps, duration };
}

function rate(value: string | undefined): number {
  if (!value) return 0;
  const [num, den] = value.split("/").map(Number);
  return den ? num / den : num || 0;
}

function outputSize(width: number | undefined, height: number | undefined, info?: VideoStreamInfo) {
  if (width && height) return { width, height };
  if (!info) throw new Error("unreachable: size needs the probe");
  // Keep the aspect ratio and an even size, as most encoders and scalers prefer.
  if (width) return { width, height: 2 * Math.max(1, Math.round((width * info.height) / info.width / 2)) };
  if (height) return { width: 2 * Math.max(1, Math.round((height * info.width) / info.height / 2)), height };
  return { width: info.width, height: info.height };
}

/** An ffmpeg failure as the caller's media problem, with ffmpeg's own last words. */
function decodeFailure(path: string, error: unknown): unknown {
  if (!(error instanceof FfmpegError)) return error;
  const detail = error.stderr.trim().split(/\r?\n/).slice(-3).join("; ") || error.message;
  return new AppError("unsupported_media", `ffmpeg could not decode ${path}: ${detail}`);
}
