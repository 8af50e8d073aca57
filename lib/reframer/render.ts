import { writeFile } from "node:fs/promises";
import { ffmpegInput, runFfmpeg } from "@/lib/media/ffmpeg";
import { produceFileAtomic } from "@/lib/storage/write-file";
import { resample, smoothCropPath } from "./smoothing";

/**
 * The reframe (README "Video Reframer", "The reframe"): a crop of the asked aspect, as large
 * as the frame allows, that follows each shot's subject along a smoothed path
 * (./smoothing.ts); the path restarts at every cut. The crop moves along x for a narrower
 * aspect and along y for a wider one. ffmpeg's `sendcmd` moves `crop` frame by frame; the
 * output is H.264 (CRF 20) with +faststart, and the source's audio as AAC.
 */
export type Aspect = "9:16" | "1:1" | "4:5" | "16:9";
export type SubjectSample = { time: number; centre: { x: number; y: number } | null };
export type ShotPlan = { start: number; end: number; subject: string | null; samples: SubjectSample[] };

export function cropSize(aspect: Aspect, width: number, height: number): { width: number; height: number; axis: "x" | "y" } {
  const [aw, ah] = aspect.split(":").map(Number);
  const even = (value: number) => Math.max(2, Math.floor(value / 2) * 2);
  if (width / height > aw / ah) return { width: even((height * aw) / ah), height: even(height), axis: "x" };
  return { width: even(width), height: even((width * ah) / aw), axis: "y" };
}

/** Crop offsets at every output frame (time = n / fps), shot by shot. */
export function cropPath(shots: ShotPlan[], size: { width: number; height: number; axis: "x" | "y" }, frame: { width: number; height: number }, fps: number, duration: number) {
  const frameSize = size.axis === "x" ? frame.width : frame.height;
  const crop = size.axis === "x" ? size.width : size.height;
  const frames = Math.max(1, Math.round(duration * fps));
  const offsets = new Array<number>(frames).fill(Math.max(0, (frameSize - crop) / 2));
  for (const shot of shots) {
    const samples = shot.samples;
    const centres = samples.map((s) => (s.centre ? (size.axis === "x" ? s.centre.x : s.centre.y) : null));
    const path = smoothCropPath(centres, { cropSize: crop, frameSize });
    const first = Math.ceil(shot.start * fps - 1e-6);
    const last = Math.min(frames - 1, Math.ceil(shot.end * fps - 1e-6) - 1);
    if (last < first) continue;
    const times = Array.from({ length: last - first + 1 }, (_, k) => (first + k) / fps);
    const values = samples.length ? resample(samples.map((s) => s.time), path, times) : times.map(() => (frameSize - crop) / 2);
    values.forEach((value, k) => (offsets[first + k] = Math.round(value)));
  }
  return offsets;
}

export async function renderReframe(input: {
  file: string;
  output: string;
  commandsFile: string;
  size: { width: number; height: number; axis: "x" | "y" };
  offsets: number[];
  fps: number;
  onTime?: (seconds: number) => void;
}): Promise<void> {
  const { size, offsets, fps } = input;
  const lines: string[] = [];
  let previous = Number.NaN;
  offsets.forEach((offset, n) => {
    if (offset === previous) return;
    previous = offset;
    lines.push(`${(n / fps).toFixed(4)} crop ${size.axis} ${offset};`);
  });
  await writeFile(input.commandsFile, lines.join("\n") + "\n");
  const start = offsets[0] ?? 0;
  const crop = `crop=w=${size.width}:h=${size.height}:x=${size.axis === "x" ? start : 0}:y=${size.axis === "y" ? start : 0}:exact=1`;
  await produceFileAtomic(input.output, (partial) =>
    runFfmpeg(
      (command) => {
        command
          .input(ffmpegInput(input.file))
          .complexFilter(`[0:v]sendcmd=f='${input.commandsFile.replace(/'/g, "")}',${crop},format=yuv420p[v]`)
          .outputOptions(["-map", "[v]", "-map", "0:a:0?", "-c:a", "aac", "-b:a", "128k", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-movflags", "+faststart", "-f", "mp4"])
          .output(partial);
      },
      { onTime: input.onTime },
    ),
  );
}
