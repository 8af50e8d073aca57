import { AppError } from "@/lib/errors";
import { FfmpegError, lastLines, renderToFile } from "./ffmpeg";
import { probeVideo } from "./probe";

/**
 * What a clip needs to know of its input: its length and, when known, its audio streams. A
 * full VideoProbe is one; a job that probed its video once passes just the duration, and the
 * first audio stream is then taken if there is one.
 */
export type ClipSource = { duration: number; audio?: readonly unknown[] };

export interface MakeClipOptions {
  input: string;
  /** Event start and end in seconds. */
  start: number;
  end: number;
  /** Seconds of context before and after the event; the window is clamped to the video. */
  preRoll?: number;
  postRoll?: number;
  /** Where the MP4 goes; written atomically. */
  output: string;
  /** The input's probe (or what the caller knows of it), when the caller already has one. */
  probe?: ClipSource;
  /** Longest side in pixels; larger videos are scaled down (default: keep size). */
  maxSize?: number;
  /** libx264 speed/size trade-off; "veryfast" keeps clip rendering cheap on 2 cores. */
  preset?: string;
  crf?: number;
  /** Force a keyframe every N seconds, so that later cuts can copy instead of re-encode. */
  keyframeInterval?: number;
  /** Below-normal CPU priority, for renders nobody waits on directly. */
  niceness?: number;
  /** Encoder threads; 1 for background renders: x264's frame threads cost CPU time of their own. */
  threads?: number;
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
}

export interface ClipResult {
  path: string;
  /** The window actually cut, after clamping. */
  start: number;
  end: number;
  duration: number;
  /** Undefined when the caller's probe did not list the audio streams. */
  hasAudio: boolean | undefined;
}

/** The [start - pre, end + post] window inside [0, duration], or null when it is empty. */
export function clipWindow(start: number, end: number, preRoll: number, postRoll: number, duration: number) {
  const from = Math.max(0, Math.min(start, end) - Math.max(0, preRoll));
  const to = Math.min(duration > 0 ? duration : Number.POSITIVE_INFINITY, Math.max(start, end) + Math.max(0, postRoll));
  return to - from > 0.01 ? { start: from, end: to } : null;
}

/**
 * Cuts an MP4 clip that every browser plays: H.264 (yuv420p, even dimensions) + AAC when the
 * source has audio, with the index at the front (+faststart) so playback can start before the
 * whole file has arrived. Works from any supported input, MS-MPEG4 AVI included, because it
 * always re-encodes: stream copy cannot start at a non-keyframe nor change codecs.
 */
export async function makeClip(options: MakeClipOptions): Promise<ClipResult> {
  const { input, output, preRoll = 0, postRoll = 0, preset = "veryfast", crf = 23, onProgress, signal } = options;
  const probe = options.probe ?? (await probeVideo(input));
  const window = clipWindow(options.start, options.end, preRoll, postRoll, probe.duration);
  if (!window) {
    throw new AppError("bad_request", `Clip window ${options.start}-${options.end} s is outside the video (${probe.duration} s)`);
  }
  const duration = window.end - window.start;
  const hasAudio = probe.audio ? probe.audio.length > 0 : undefined;
  // Unknown: "0:a:0?" maps the first audio stream when there is one and nothing otherwise.
  const audio = hasAudio === undefined ? ["-map", "0:a:0?"] : hasAudio ? ["-map", "0:a:0"] : [];

  // Even dimensions are required by yuv420p; scale down only when asked.
  const scale = options.maxSize
    ? `scale=w='min(${options.maxSize},iw)':h='min(${options.maxSize},ih)':force_original_aspect_ratio=decrease:force_divisible_by=2`
    : "scale=trunc(iw/2)*2:trunc(ih/2)*2";

  try {
    await renderToFile(
      output,
      {
        input,
        inputOptions: ["-ss", window.start.toFixed(3)],
        outputOptions: [
          "-t", duration.toFixed(3),
          "-map", "0:v:0",
          ...audio,
          "-vf", `${scale},setsar=1`,
          "-c:v", "libx264",
          "-preset", preset,
          "-crf", String(crf),
          ...(options.threads ? ["-threads", String(options.threads)] : []),
          "-pix_fmt", "yuv420p",
          "-profile:v", "high",
          ...(options.keyframeInterval ? ["-force_key_frames", `expr:gte(t,n_forced*${options.keyframeInterval})`] : []),
          ...(hasAudio !== false ? ["-c:a", "aac", "-b:a", "128k", "-ac", "2"] : ["-an"]),
          "-sn",
          "-dn",
          "-map_metadata", "-1",
          "-movflags", "+faststart",
          "-f", "mp4",
        ],
      },
      {
        signal,
        niceness: options.niceness,
        timeoutMs: Math.max(120_000, duration * 20_000),
        onTime: onProgress ? (seconds) => onProgress(Math.min(99, Math.round((seconds / duration) * 100))) : undefined,
      },
    );
  } catch (error) {
    if (error instanceof FfmpegError) {
      throw new AppError("internal", `Clip rendering failed: ${lastLines(error.stderr || error.message, 2)}`);
    }
    throw error;
  }
  onProgress?.(100);
  return { path: output, start: window.start, end: window.end, duration, hasAudio };
}

/**
 * A web-playable copy of the whole video (H.264/AAC, +faststart) with a keyframe every
 * `keyframeInterval` seconds. Browsers cannot play every input (MS-MPEG4 AVI, say); and event
 * clips cut from it by stream copy cost milliseconds instead of an encode each.
 */
export async function makeProxy(options: { input: string; output: string; probe?: ClipSource; keyframeInterval?: number; preset?: string; crf?: number; threads?: number; niceness?: number; signal?: AbortSignal }): Promise<ClipResult> {
  const probe = options.probe ?? (await probeVideo(options.input));
  // It is made while the detector needs both cores, so it is made as cheaply as looks right:
  // ultrafast (half the CPU of veryfast) at CRF 26, with no difference to see at 2x zoom from
  // CRF 23. On vtest.avi (medians of 5 runs): 2.18 CPU-s at CRF 23 with x264's default threads,
  // 1.59 at CRF 26 with one thread, 1.81 with two. Two threads all the same, at nice 19: they
  // soak up the idle moments of either core during detection, and what is left when detection
  // ends finishes on both (bench:analysis: 14.8-14.9 s against 15.6-16.7 s with one thread).
  return makeClip({ preset: "ultrafast", crf: 26, threads: 2, niceness: 19, ...options, probe, start: 0, end: probe.duration, keyframeInterval: options.keyframeInterval ?? 1 });
}
