import { existsSync } from "node:fs";
import { AppError } from "@/lib/errors";
import { NothingWrittenError } from "@/lib/storage/write-file";
import { FfmpegError, lastLines, renderToFile } from "./ffmpeg";

export const DEFAULT_FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

export interface SnapshotBox {
  /** Pixels in the source frame (before any output scaling). */
  x: number;
  y: number;
  width: number;
  height: number;
  label?: string;
  /** A colour name ("lime") or hex ("#ff8800"); anything else falls back to the default. */
  color?: string;
}

export interface TakeSnapshotOptions {
  input: string;
  /** Seconds from the start of the video. */
  at: number;
  /** Where the JPEG goes; written atomically. */
  output: string;
  /** Drawn onto the frame with ffmpeg drawbox/drawtext. */
  boxes?: SnapshotBox[];
  /** Output width in pixels (height follows the aspect ratio); default: source size. */
  width?: number;
  /** JPEG quality on ffmpeg's 2 (best) .. 31 scale. */
  quality?: number;
  fontFile?: string;
  fontSize?: number;
  signal?: AbortSignal;
}

/**
 * Escapes a value for a filter option inside a filtergraph: first for the option parser
 * (\ ' :), then for the graph parser (\ ' [ ] , ;), as ffmpeg-filters "Notes on filtergraph
 * escaping" describes. Arguments go to ffmpeg without a shell, so there is no third level.
 */
export function escapeFilterValue(value: string): string {
  const optionLevel = value.replace(/[\\':]/g, "\\$&");
  return optionLevel.replace(/[\\'[\],;]/g, "\\$&");
}

const COLOR = /^(#[0-9a-fA-F]{6}|[a-zA-Z]{3,20})$/;

function safeColor(color: string | undefined): string {
  return color && COLOR.test(color) ? color.replace(/^#/, "0x") : "lime";
}

export function boxFilters(boxes: SnapshotBox[], fontFile: string, fontSize: number): string[] {
  const filters: string[] = [];
  const font = escapeFilterValue(fontFile);
  for (const box of boxes) {
    const x = Math.max(0, Math.round(box.x));
    const y = Math.max(0, Math.round(box.y));
    const width = Math.max(1, Math.round(box.width));
    const height = Math.max(1, Math.round(box.height));
    const color = safeColor(box.color);
    filters.push(`drawbox=x=${x}:y=${y}:w=${width}:h=${height}:color=${color}:t=3`);
    const label = box.label?.replace(/\p{Cc}/gu, " ").trim().slice(0, 80);
    if (label) {
      // Above the box when there is room, inside its top edge otherwise.
      const labelY = y >= fontSize + 8 ? y - fontSize - 8 : y + 4;
      filters.push(
        [
          `drawtext=fontfile=${font}`,
          `text=${escapeFilterValue(label)}`,
          "expansion=none",
          `x=${x + 2}`,
          `y=${labelY}`,
          `fontsize=${fontSize}`,
          "fontcolor=white",
          "box=1",
          `boxcolor=${color}@0.7`,
          "boxborderw=3",
        ].join(":"),
      );
    }
  }
  return filters;
}

/**
 * Writes one JPEG of the frame at `at` seconds, optionally with boxes and labels drawn on it.
 * Seeks on the input side (fast, and exact because ffmpeg decodes from the previous keyframe
 * and drops frames up to the timestamp).
 */
export async function takeSnapshot(options: TakeSnapshotOptions): Promise<{ path: string }> {
  const { input, output, boxes = [], quality = 3, signal } = options;
  const at = Math.max(0, options.at);
  const fontFile = options.fontFile ?? DEFAULT_FONT_FILE;
  const fontSize = options.fontSize ?? 18;
  const labelled = boxes.some((box) => box.label?.trim());
  // turbopackIgnore: a font of the system, looked for at run time, not a file for the build to trace.
  if (labelled && !existsSync(/* turbopackIgnore: true */ fontFile)) {
    throw new AppError("unavailable", `Font for snapshot labels not found: ${fontFile}`);
  }

  const filters = boxFilters(boxes, fontFile, fontSize);
  if (options.width) filters.push(`scale=${Math.round(options.width)}:-2`);

  try {
    // No seek at 0: ffmpeg 5.1 writes nothing for `-ss 0` on a still-image input.
    await renderToFile(
      output,
      {
        input,
        inputOptions: at > 0 ? ["-ss", at.toFixed(3)] : [],
        outputOptions: [
          "-map", "0:v:0",
          "-frames:v", "1",
          ...(filters.length ? ["-vf", filters.join(",")] : []),
          "-q:v", String(Math.min(31, Math.max(2, Math.round(quality)))),
          "-f", "mjpeg",
        ],
      },
      { signal, timeoutMs: 60_000 },
    );
  } catch (error) {
    if (error instanceof FfmpegError) {
      throw new AppError("bad_request", `Could not take a snapshot at ${at} s: ${lastLines(error.stderr || error.message, 1)}`);
    }
    if (error instanceof NothingWrittenError) {
      throw new AppError("bad_request", `No frame at ${at} s`);
    }
    throw error;
  }
  return { path: output };
}
