import path from "node:path";
import { AppError } from "@/lib/errors";
import { FfmpegError, lastLines, renderToFile } from "./ffmpeg";
import { probeVideo, type VideoProbe } from "./probe";

export interface EnhanceSettings {
  /** hqdn3d luma spatial strength; 0 turns denoising off (ffmpeg's default is 4). */
  denoise: number;
  /** unsharp luma amount; 0 turns sharpening off. */
  sharpen: number;
  /** eq filter: 1 = unchanged. */
  contrast: number;
  saturation: number;
  /** eq filter: 0 = unchanged, -1..1. */
  brightness: number;
  /** "auto" deinterlaces (yadif) only when ffprobe reports a field order. */
  deinterlace: "auto" | "always" | "never";
}

export const ENHANCE_PRESETS = {
  /** Gentle all-round clean-up, the default. */
  auto: { denoise: 2, sharpen: 0.6, contrast: 1.05, saturation: 1.1, brightness: 0, deinterlace: "auto" },
  denoise: { denoise: 5, sharpen: 0, contrast: 1, saturation: 1, brightness: 0, deinterlace: "auto" },
  sharpen: { denoise: 0, sharpen: 1.2, contrast: 1, saturation: 1, brightness: 0, deinterlace: "auto" },
  color: { denoise: 0, sharpen: 0, contrast: 1.15, saturation: 1.3, brightness: 0.02, deinterlace: "auto" },
  strong: { denoise: 5, sharpen: 1.2, contrast: 1.12, saturation: 1.25, brightness: 0.02, deinterlace: "auto" },
} as const satisfies Record<string, EnhanceSettings>;

export type EnhancePreset = keyof typeof ENHANCE_PRESETS;

export interface EnhanceVideoOptions {
  input: string;
  /** The container follows the extension (mp4, mov, mkv, avi); the video is always H.264. */
  output: string;
  preset?: EnhancePreset;
  /** Individual settings on top of the preset. */
  settings?: Partial<EnhanceSettings>;
  probe?: VideoProbe;
  /** 0-100 while ffmpeg runs, from the media time it reports; 100 once the file is in place. */
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface EnhanceResult {
  path: string;
  filters: string;
  deinterlaced: boolean;
  settings: EnhanceSettings;
}

const OUTPUT_FORMATS: Record<string, string> = { ".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".mkv": "matroska", ".avi": "avi" };

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Number.isFinite(value) ? value : min));
}

/** The filter chain for a set of settings; exported so tests and the UI can show it. */
export function enhanceFilters(settings: EnhanceSettings, interlaced: boolean): { chain: string; deinterlaced: boolean } {
  const filters: string[] = [];
  const deinterlaced = settings.deinterlace === "always" || (settings.deinterlace === "auto" && interlaced);
  if (deinterlaced) filters.push("yadif=mode=send_frame:parity=auto:deint=all");
  const denoise = clamp(settings.denoise, 0, 20);
  if (denoise > 0) {
    // hqdn3d's own ratios between luma/chroma and spatial/temporal strengths.
    const chroma = denoise * 0.75;
    filters.push(`hqdn3d=${denoise.toFixed(2)}:${chroma.toFixed(2)}:${(denoise * 1.5).toFixed(2)}:${(chroma * 1.5).toFixed(2)}`);
  }
  const sharpen = clamp(settings.sharpen, 0, 3);
  if (sharpen > 0) filters.push(`unsharp=5:5:${sharpen.toFixed(2)}:5:5:0`);
  const contrast = clamp(settings.contrast, 0.5, 2);
  const saturation = clamp(settings.saturation, 0, 3);
  const brightness = clamp(settings.brightness, -1, 1);
  if (contrast !== 1 || saturation !== 1 || brightness !== 0) {
    filters.push(`eq=contrast=${contrast.toFixed(3)}:saturation=${saturation.toFixed(3)}:brightness=${brightness.toFixed(3)}`);
  }
  filters.push("scale=trunc(iw/2)*2:trunc(ih/2)*2", "format=yuv420p");
  return { chain: filters.join(","), deinterlaced };
}

/**
 * Re-encodes a video to H.264 through denoise / sharpen / colour filters, reporting progress as
 * ffmpeg works. Audio, when present, is re-encoded to AAC so every container accepts it.
 */
export async function enhanceVideo(options: EnhanceVideoOptions): Promise<EnhanceResult> {
  const { input, output, preset = "auto", onProgress, signal } = options;
  const base = ENHANCE_PRESETS[preset];
  if (!base) throw new AppError("bad_request", `Unknown enhancement preset: ${preset}`);
  const settings: EnhanceSettings = { ...base, ...options.settings };
  const format = OUTPUT_FORMATS[path.extname(output).toLowerCase()];
  if (!format) throw new AppError("bad_request", "Unsupported video type");

  const probe = options.probe ?? (await probeVideo(input));
  const { chain, deinterlaced } = enhanceFilters(settings, probe.interlaced);
  const hasAudio = probe.audio.length > 0;
  const duration = probe.duration;
  let lastPercent = -1;
  const report = (percent: number) => {
    if (!onProgress || percent === lastPercent) return;
    lastPercent = percent;
    onProgress(percent);
  };
  report(0);

  try {
    await renderToFile(
      output,
      {
        input,
        outputOptions: [
          "-map", "0:v:0",
          ...(hasAudio ? ["-map", "0:a:0"] : []),
          "-vf", chain,
          "-c:v", "libx264",
          "-preset", "veryfast",
          "-crf", "20",
          ...(hasAudio ? ["-c:a", "aac", "-b:a", "160k"] : ["-an"]),
          "-sn",
          "-dn",
          ...(format === "mp4" || format === "mov" ? ["-movflags", "+faststart"] : []),
          "-f", format,
        ],
      },
      {
        signal,
        timeoutMs: options.timeoutMs,
        onTime: duration > 0 ? (seconds) => report(Math.min(99, Math.floor((seconds / duration) * 100))) : undefined,
      },
    );
  } catch (error) {
    if (error instanceof FfmpegError) {
      throw new AppError("internal", `Enhancement failed: ${lastLines(error.stderr || error.message, 2)}`);
    }
    throw error;
  }
  report(100);
  return { path: output, filters: chain, deinterlaced, settings };
}
