import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { formatClock } from "@/lib/speech/transcript";
import { execFfmpeg, ffmpegInput, streamFfmpeg } from "@/lib/media/ffmpeg";
import { detectShots, type Shot } from "@/lib/shots/detect-shots";

/**
 * What ingest makes of a video besides its probe (issue 14): a web proxy, a poster, a
 * thumbnail sprite with its WebVTT index, waveform peaks, EBU R128 loudness and the shot list
 * (lib/shots).
 * Every function writes into `dir` and takes the job's cancel signal.
 */
type Opts = { signal?: AbortSignal; onTime?: (seconds: number) => void };

/** H.264/AAC MP4 at most 720 lines, a keyframe every second (scrubbing seeks land on one), +faststart. */
export async function makeProxy(input: string, output: string, options: Opts & { hasAudio: boolean }): Promise<void> {
  await execFfmpeg(
    [
      "-y", "-i", ffmpegInput(input),
      "-map", "0:v:0", ...(options.hasAudio ? ["-map", "0:a:0", "-c:a", "aac", "-b:a", "128k"] : []),
      "-vf", "scale=-2:'min(720,ih)':flags=bicubic,format=yuv420p",
      "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
      "-force_key_frames", "expr:gte(t,n_forced*1)", "-sc_threshold", "0",
      "-movflags", "+faststart", "-f", "mp4", `file:${output}`,
    ],
    options,
  );
}

export async function makePoster(input: string, output: string, at: number, options: Opts = {}): Promise<void> {
  await execFfmpeg(["-y", "-ss", at.toFixed(3), "-i", ffmpegInput(input), "-frames:v", "1", "-vf", "scale=-2:'min(720,ih)'", "-q:v", "3", "-f", "image2", `file:${output}`], options);
}

export type SpriteLayout = { interval: number; count: number; columns: number; width: number; height: number };

/** One thumbnail per `interval` seconds (at most 100), 160 px wide, in a grid of 10 columns. */
export function spriteLayout(duration: number, videoWidth: number, videoHeight: number): SpriteLayout {
  const count = Math.max(1, Math.min(100, Math.ceil(duration)));
  const interval = duration / count || 1;
  const width = 160;
  const height = Math.max(2, Math.round((width * videoHeight) / videoWidth / 2) * 2);
  return { interval, count, columns: Math.min(10, count), width, height };
}

/** The WebVTT index players use for scrubbing previews: `sprite.jpg#xywh=x,y,w,h` per interval. */
export function spriteVtt(layout: SpriteLayout, spriteName: string, duration: number): string {
  const cues: string[] = [];
  for (let i = 0; i < layout.count; i++) {
    const x = (i % layout.columns) * layout.width;
    const y = Math.floor(i / layout.columns) * layout.height;
    const start = i * layout.interval;
    const end = Math.min(duration, (i + 1) * layout.interval);
    cues.push(`${formatClock(start, ".")} --> ${formatClock(end, ".")}\n${spriteName}#xywh=${x},${y},${layout.width},${layout.height}\n`);
  }
  return `WEBVTT\n\n${cues.join("\n")}`;
}

export async function makeSprite(input: string, output: string, layout: SpriteLayout, options: Opts = {}): Promise<void> {
  const rows = Math.ceil(layout.count / layout.columns);
  await execFfmpeg(
    [
      "-y", "-i", ffmpegInput(input),
      "-vf", `fps=1/${layout.interval.toFixed(6)},scale=${layout.width}:${layout.height},tile=${layout.columns}x${rows}`,
      "-frames:v", "1", "-q:v", "4", "-f", "image2", `file:${output}`,
    ],
    options,
  );
}

/**
 * Waveform peaks in audiowaveform's JSON format (version 2): `samples_per_pixel` input samples
 * at 8 kHz per pair of [min, max] 8-bit values, about 100 pairs a second.
 */
export async function waveformPeaks(input: string, options: Opts = {}): Promise<{ version: 2; channels: 1; sample_rate: number; samples_per_pixel: number; bits: 8; length: number; data: number[] }> {
  const sampleRate = 8000;
  const perPixel = 80;
  const data: number[] = [];
  let min = 127;
  let max = -128;
  let inBucket = 0;
  let carry: Buffer | null = null;
  for await (let chunk of streamFfmpeg(["-i", ffmpegInput(input), "-vn", "-ac", "1", "-ar", String(sampleRate), "-f", "s16le", "pipe:1"], { signal: options.signal })) {
    if (carry) {
      chunk = Buffer.concat([carry, chunk]);
      carry = null;
    }
    const usable = chunk.length - (chunk.length % 2);
    if (usable < chunk.length) carry = chunk.subarray(usable);
    for (let i = 0; i < usable; i += 2) {
      const v = chunk.readInt16LE(i) >> 8;
      if (v < min) min = v;
      if (v > max) max = v;
      if (++inBucket === perPixel) {
        data.push(min, max);
        min = 127;
        max = -128;
        inBucket = 0;
      }
    }
  }
  if (inBucket) data.push(min, max);
  return { version: 2, channels: 1, sample_rate: sampleRate, samples_per_pixel: perPixel, bits: 8, length: data.length / 2, data };
}

export type Loudness = { integrated_lufs: number | null; range_lu: number | null; true_peak_dbtp: number | null; threshold_lufs: number | null };

/**
 * The summary ebur128 prints at the end (`Integrated loudness: I: -23.0 LUFS`, `Loudness
 * range: LRA: 7.1 LU`, `True peak: Peak: -1.2 dBFS`). Silence reads `-inf`/`-70.0`: null.
 */
export function parseEbur128Summary(stderr: string): Loudness {
  const summaryAt = stderr.lastIndexOf("Summary:");
  const text = summaryAt >= 0 ? stderr.slice(summaryAt) : stderr;
  const read = (pattern: RegExp) => {
    const match = pattern.exec(text);
    if (!match) return null;
    const value = Number(match[1]);
    return Number.isFinite(value) ? value : null;
  };
  const integrated = read(/Integrated loudness:\s*I:\s*(-?[\d.]+|-inf)\s*LUFS/);
  return {
    integrated_lufs: integrated !== null && integrated <= -70 ? null : integrated,
    range_lu: read(/Loudness range:\s*LRA:\s*(-?[\d.]+)\s*LU/),
    true_peak_dbtp: read(/True peak:\s*Peak:\s*(-?[\d.]+|-inf)\s*dBFS/),
    threshold_lufs: read(/Integrated loudness:[\s\S]*?Threshold:\s*(-?[\d.]+)\s*LUFS/),
  };
}

/**
 * The editor's shot list (shots.json, scenes_csv, edl, generate_clip's boundaries): hard cuts
 * on scdet's score (more than 10), none within 0.04 s of either end, no dissolves, times to the
 * millisecond.
 */
const EDITOR_SHOTS = { scene: { measure: "scdet" }, rules: { cutScore: 10, strictly: true }, edgeSeconds: 0.04 } as const;

/** Loudness (ebur128 with true peak, on the sound) and shots (lib/shots, on the picture), side by side. */
export async function loudnessAndShots(
  input: string,
  duration: number,
  options: Opts & { hasAudio: boolean; hasVideo: boolean },
): Promise<{ loudness: Loudness | null; shots: Shot[] }> {
  const measureLoudness = async () => {
    const { stderr } = await execFfmpeg(["-i", ffmpegInput(input), "-filter_complex", "[0:a:0]ebur128=peak=true:framelog=verbose[a]", "-map", "[a]", "-f", "null", "-"], options);
    return parseEbur128Summary(stderr);
  };
  const [loudness, shots] = await Promise.all([
    options.hasAudio ? measureLoudness() : null,
    options.hasVideo ? detectShots(input, duration, { ...EDITOR_SHOTS, signal: options.signal }) : [],
  ]);
  return { loudness, shots: shots.map((shot) => ({ ...shot, start: round(shot.start), end: round(shot.end) })) };
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(value));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
