import path from "node:path";
import { AppError } from "@/lib/errors";
import { produceFileAtomic } from "@/lib/storage/write-file";
import type { EnhancePreset } from "./enhance-presets";
import { execFfmpeg, FfmpegError, lastLines, runFfmpeg, ffmpegInput } from "./ffmpeg";
import type { FrameFigures } from "./measure";
import type { VideoProbe } from "./probe";

/**
 * What an enhancement does, each step optional. The `auto` preset builds one from measured
 * figures (chooseEnhancements); the other presets force one kind of step.
 */
export interface EnhancePlan {
  deinterlace: boolean;
  /** vidstab two-pass stabilisation. */
  stabilise: boolean;
  /** hqdn3d luma spatial strength (0 = off); `temporal` adds atadenoise first for heavy noise. */
  denoise: { strength: number; temporal: boolean } | null;
  /** Input black and white points (0-255) stretched to full range, and a gamma (1 = none). */
  levels: { black: number; white: number; gamma: number } | null;
  /** unsharp luma amount (0 = off). */
  sharpen: number;
  /** Why each step was chosen (or left out), for the result and the UI. */
  reasons: string[];
}

/** The presets are plain data in ./enhance-presets.ts, which the browser can import too. */
export { ENHANCE_PRESETS, type EnhancePreset } from "./enhance-presets";

/** What the auto preset looks at: figures of sampled frames, idet's verdict and the shake. */
export interface EnhanceMeasurements {
  figures: FrameFigures;
  /** Share of frames idet calls interlaced (0-1); or the container's field order. */
  interlacedRatio: number;
  probedInterlaced: boolean;
  /** RMS jitter in pixels at SHAKE_WIDTH (lib/media/measure.ts). */
  shake: number;
}

/** The thresholds the auto preset uses (README "Enhancement"). */
export const AUTO_THRESHOLDS = {
  /** Noise sigma (luma steps) above which to denoise, and above which to add a temporal pass. */
  noise: 2.5,
  heavyNoise: 4.5,
  /** Laplacian variance below which a clean video is sharpened (at 640 px wide). */
  soft: 150,
  /** Black point above / white point below these (1st / 99th percentile) get a levels stretch. */
  black: 16,
  white: 235,
  /** Mean luma below / above these gets a gamma. */
  dark: 75,
  bright: 185,
  interlaced: 0.3,
  /** Jitter RMS (px at 160 wide) above which to stabilise. */
  shake: 0.6,
} as const;

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Number.isFinite(value) ? value : min));
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** hqdn3d's luma strength for a measured noise sigma, at least `floor` (the forced presets use 4). */
function denoiseStrength(noise: number, floor: number): number {
  return round(clamp(noise * 1.6, floor, 10), 1);
}

/** The auto preset: each step only when a measured figure calls for it, with the reason. */
export function chooseEnhancements(measured: EnhanceMeasurements): EnhancePlan {
  const t = AUTO_THRESHOLDS;
  const { figures } = measured;
  const reasons: string[] = [];
  const deinterlace = measured.probedInterlaced || measured.interlacedRatio >= t.interlaced;
  reasons.push(
    deinterlace
      ? `deinterlace: ${Math.round(measured.interlacedRatio * 100)}% of frames interlaced${measured.probedInterlaced ? " (field order in the container)" : ""}`
      : `no deinterlace: ${Math.round(measured.interlacedRatio * 100)}% of frames interlaced`,
  );

  const stabilise = measured.shake > t.shake;
  reasons.push(`${stabilise ? "stabilise" : "no stabilise"}: shake ${measured.shake} px (threshold ${t.shake})`);

  let denoise: EnhancePlan["denoise"] = null;
  if (figures.noise > t.noise) {
    // hqdn3d's luma strength grows with the noise (4 is its default for "some" noise). 1.6x the
    // measured sigma: on 80 MB of grainy H.264 (e2e/api/real-size.spec.ts, sigma 3.6) 0.9x left
    // 85% of the noise after the encode; 1.6x leaves 67%.
    denoise = { strength: denoiseStrength(figures.noise, 2), temporal: figures.noise > t.heavyNoise };
    reasons.push(`denoise: noise ${figures.noise} (threshold ${t.noise})${denoise.temporal ? ", heavy: temporal pass too" : ""}`);
  } else reasons.push(`no denoise: noise ${figures.noise} (threshold ${t.noise})`);

  let levels: EnhancePlan["levels"] = null;
  const needsStretch = figures.black > t.black || figures.white < t.white;
  const gamma = figures.mean_luma < t.dark ? 1.25 : figures.mean_luma > t.bright ? 0.85 : 1;
  if ((needsStretch && figures.white - figures.black >= 32) || gamma !== 1) {
    levels = needsStretch && figures.white - figures.black >= 32 ? { black: figures.black, white: figures.white, gamma } : { black: 0, white: 255, gamma };
    reasons.push(`levels: black ${figures.black}, white ${figures.white}, mean luma ${figures.mean_luma}${gamma !== 1 ? `, gamma ${gamma}` : ""}`);
  } else reasons.push(`no levels: black ${figures.black}, white ${figures.white}, mean luma ${figures.mean_luma}`);

  let sharpen = 0;
  if (figures.sharpness < t.soft && !denoise) {
    sharpen = 0.8;
    reasons.push(`sharpen: Laplacian variance ${figures.sharpness} (threshold ${t.soft})`);
  } else if (denoise) {
    // No unsharp after a denoise: even 0.3 brought the grain back above the input's (3.6 -> 3.9).
    reasons.push("no sharpen after denoise: it would bring the grain back");
  } else reasons.push(`no sharpen: Laplacian variance ${figures.sharpness} (threshold ${t.soft})`);

  return { deinterlace, stabilise, denoise, levels, sharpen, reasons };
}

/** A fixed preset's plan; `auto` needs measurements and goes through chooseEnhancements. */
export function presetPlan(preset: Exclude<EnhancePreset, "auto" | "upscale">, measured: EnhanceMeasurements): EnhancePlan {
  const { figures } = measured;
  const none: EnhancePlan = { deinterlace: measured.probedInterlaced, stabilise: false, denoise: null, levels: null, sharpen: 0, reasons: [`preset ${preset}`] };
  switch (preset) {
    case "denoise":
      return { ...none, denoise: { strength: denoiseStrength(figures.noise, 4), temporal: figures.noise > AUTO_THRESHOLDS.heavyNoise } };
    case "sharpen":
      return { ...none, sharpen: 1.2 };
    case "levels":
      return { ...none, levels: { black: Math.min(figures.black, 64), white: Math.max(figures.white, 192), gamma: figures.mean_luma < AUTO_THRESHOLDS.dark ? 1.25 : 1 } };
    case "deinterlace":
      return { ...none, deinterlace: true };
    case "stabilise":
      return { ...none, stabilise: true };
    case "strong": {
      const auto = chooseEnhancements(measured);
      return {
        ...auto,
        denoise: { strength: denoiseStrength(figures.noise, 4), temporal: figures.noise > AUTO_THRESHOLDS.heavyNoise },
        levels: auto.levels ?? { black: Math.min(figures.black, 64), white: Math.max(figures.white, 192), gamma: 1 },
        sharpen: 0.6,
        reasons: ["preset strong", ...auto.reasons],
      };
    }
  }
}

/** Escapes a value for an ffmpeg filter option (inside a filter graph). */
function filterValue(value: string): string {
  return value.replace(/\\/g, "\\\\\\\\").replace(/'/g, "\\\\\\'").replace(/:/g, "\\\\:").replace(/,/g, "\\,");
}

/**
 * The encode's filter graph for a plan. With `stabilise`, `transforms` is the vidstabdetect
 * result file of the first pass.
 */
export function enhanceFilters(plan: EnhancePlan, transforms?: string): string {
  const filters: string[] = [];
  if (plan.deinterlace) filters.push("bwdif=mode=send_frame:parity=auto:deint=all");
  if (plan.stabilise && transforms) filters.push(`vidstabtransform=input=${filterValue(transforms)}:smoothing=15:optzoom=1:interpol=bilinear`);
  if (plan.denoise) {
    const l = plan.denoise.strength;
    // Thresholds raised from the defaults (0.02/0.04): grain this strong is above them.
    if (plan.denoise.temporal) filters.push("atadenoise=0a=0.2:0b=0.3:1a=0.2:1b=0.3:2a=0.2:2b=0.3:s=9");
    filters.push(`hqdn3d=${l.toFixed(2)}:${(l * 0.75).toFixed(2)}:${(l * 1.5).toFixed(2)}:${(l * 1.125).toFixed(2)}`);
  }
  if (plan.levels) {
    const { black, white, gamma } = plan.levels;
    if (black > 0 || white < 255) {
      const lo = (clamp(black, 0, 254) / 255).toFixed(3);
      const hi = (clamp(white, black + 1, 255) / 255).toFixed(3);
      filters.push(`colorlevels=rimin=${lo}:gimin=${lo}:bimin=${lo}:rimax=${hi}:gimax=${hi}:bimax=${hi}`);
    }
    if (gamma !== 1) filters.push(`eq=gamma=${gamma.toFixed(3)}`);
  }
  if (plan.sharpen > 0) filters.push(`unsharp=5:5:${clamp(plan.sharpen, 0, 3).toFixed(2)}:5:5:0`);
  filters.push("scale=trunc(iw/2)*2:trunc(ih/2)*2", "format=yuv420p");
  return filters.join(",");
}

export interface EnhanceVideoOptions {
  input: string;
  /** The container follows the extension (mp4, mov, mkv, avi); the video is always H.264. */
  output: string;
  plan: EnhancePlan;
  probe: VideoProbe;
  /** The vidstabdetect result file (written by detectShake) when the plan stabilises. */
  transforms?: string;
  /** 0-100 while ffmpeg runs, from the media time it reports. */
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

const OUTPUT_FORMATS: Record<string, string> = { ".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska", ".avi": "avi" };

export function outputFormatFor(file: string): string | undefined {
  return OUTPUT_FORMATS[path.extname(file).toLowerCase()];
}

/** The encoder options every enhancement uses (the bench runs bare ffmpeg with the same). */
export function encodeOptions(probe: VideoProbe, output: string, chain: string): string[] {
  const format = outputFormatFor(output);
  if (!format) throw new AppError("bad_request", "Unsupported video type");
  const hasAudio = probe.audio.length > 0;
  return [
    "-map", "0:v:0",
    ...(hasAudio ? ["-map", "0:a:0"] : []),
    "-vf", chain,
    "-c:v", "libx264", "-preset", "veryfast", "-crf", "20",
    ...(hasAudio ? ["-c:a", "aac", "-b:a", "160k"] : ["-an"]),
    "-sn", "-dn",
    ...(format === "mp4" || format === "mov" ? ["-movflags", "+faststart"] : []),
    "-f", format,
  ];
}

function progressOf(duration: number, onProgress?: (percent: number) => void) {
  let last = -1;
  return duration > 0 && onProgress
    ? (seconds: number) => {
        const percent = Math.min(99, Math.floor((seconds / duration) * 100));
        if (percent > last) onProgress((last = percent));
      }
    : undefined;
}

function asAppError(error: unknown, what: string): unknown {
  if (error instanceof FfmpegError) return new AppError("internal", `${what} failed: ${lastLines(error.stderr || error.message, 2)}`);
  return error;
}

/** vidstab's first pass: camera motion written to `transforms`. */
export async function detectShake(
  input: string,
  transforms: string,
  probe: VideoProbe,
  options: { onProgress?: (percent: number) => void; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<void> {
  try {
    await runFfmpeg(
      (command) =>
        command
          .input(ffmpegInput(input))
          .outputOptions(["-map", "0:v:0", "-vf", `vidstabdetect=shakiness=6:accuracy=9:result=${filterValue(transforms)}`, "-f", "null"])
          .output("-"),
      { signal: options.signal, timeoutMs: options.timeoutMs, onTime: progressOf(probe.duration, options.onProgress) },
    );
  } catch (error) {
    throw asAppError(error, "Stabilisation analysis");
  }
}

/**
 * Re-encodes a video to H.264 through the plan's filters, reporting progress from the media
 * time ffmpeg reports. Audio, when present, is re-encoded to AAC so every container takes it.
 */
export async function enhanceVideo(options: EnhanceVideoOptions): Promise<{ path: string; filters: string }> {
  const { input, output, plan, probe } = options;
  const chain = enhanceFilters(plan, options.transforms);
  const outputOptions = encodeOptions(probe, output, chain);
  // ffmpeg spawned directly (execFfmpeg: progress from `-progress`, no stats lines to parse),
  // not through fluent-ffmpeg: the bench compares this run with the bare CLI on the same graph.
  const timeout = options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined;
  const signal = timeout && options.signal ? AbortSignal.any([options.signal, timeout]) : (timeout ?? options.signal);
  try {
    await produceFileAtomic(output, (partial) => execFfmpeg(["-y", "-i", ffmpegInput(input), ...outputOptions, ffmpegInput(partial)], { signal, onTime: progressOf(probe.duration, options.onProgress) }));
  } catch (error) {
    if (timeout?.aborted && !options.signal?.aborted) throw new AppError("internal", `Enhancement failed: ffmpeg ran longer than ${Math.round(options.timeoutMs! / 1000)} s`);
    throw asAppError(error, "Enhancement");
  }
  options.onProgress?.(100);
  return { path: output, filters: chain };
}
