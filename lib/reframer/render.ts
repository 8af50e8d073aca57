import { writeFile } from "node:fs/promises";
import { ffmpegInput, runFfmpeg } from "@/lib/media/ffmpeg";
import { produceFileAtomic } from "@/lib/storage/write-file";
import type { CropSize, ShotPlan } from "@/lib/framing/crop-path";

/**
 * The reframe (README "Video Reframer", "The reframe"): a crop of the asked aspect, as large
 * as the frame allows, that follows each shot's subject along a smoothed path
 * (lib/framing/crop-path.ts); the path restarts at every cut. The crop moves along x for a narrower
 * aspect and along y for a wider one. ffmpeg's `sendcmd` moves `crop` frame by frame; the
 * output is H.264 (CRF 20) with +faststart, and the source's audio as AAC.
 *
 * The background rule (shotLayout): a shot whose subject is wider than the crop window (taller,
 * for a wider aspect) cannot be followed without cutting it in half, so that shot is rendered
 * whole instead: the full frame scaled to fit the output, centred over a blurred, scaled-up
 * copy of itself that fills the bands.
 */
export type ShotLayout = "crop" | "fit";

/**
 * The background rule: `fit` when, over the shot's samples where the subject was seen with its
 * box, the median box extent along the crop's axis (width when the crop moves along x, height
 * when along y) is larger than the crop's; `crop` otherwise, and for a shot with no subject.
 * The median, so one over-wide detection does not flip a shot.
 */
export function shotLayout(shot: ShotPlan, size: CropSize): ShotLayout {
  const extents = shot.samples
    .map((sample) => (size.axis === "x" ? sample.centre?.width : sample.centre?.height))
    .filter((extent): extent is number => typeof extent === "number")
    .sort((a, b) => a - b);
  if (extents.length === 0) return "crop";
  const median = extents.length % 2 ? extents[(extents.length - 1) / 2] : (extents[extents.length / 2 - 1] + extents[extents.length / 2]) / 2;
  return median > (size.axis === "x" ? size.width : size.height) ? "fit" : "crop";
}

/** Time ranges (seconds) rendered whole over the blurred background, adjacent ones merged. */
export function fitRanges(shots: ShotPlan[], size: CropSize): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  for (const shot of shots) {
    if (shotLayout(shot, size) !== "fit") continue;
    const last = ranges[ranges.length - 1];
    if (last && Math.abs(last.end - shot.start) < 1e-6) last.end = shot.end;
    else ranges.push({ start: shot.start, end: shot.end });
  }
  return ranges;
}

export async function renderReframe(input: {
  file: string;
  output: string;
  commandsFile: string;
  size: CropSize;
  offsets: number[];
  fps: number;
  /** Time ranges rendered by the background rule (fitRanges); none: the crop throughout. */
  fit?: { start: number; end: number }[];
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
  const crop = `sendcmd=f='${input.commandsFile.replace(/'/g, "")}',crop=w=${size.width}:h=${size.height}:x=${size.axis === "x" ? start : 0}:y=${size.axis === "y" ? start : 0}:exact=1`;
  const duration = offsets.length / fps;
  const graph = input.fit?.length ? layoutGraph(crop, size, segmentsOf(input.fit, duration)) : `[0:v]setpts=PTS-STARTPTS,${crop},format=yuv420p[v]`;
  await produceFileAtomic(input.output, (partial) =>
    runFfmpeg(
      (command) => {
        command
          .input(ffmpegInput(input.file))
          .complexFilter(graph)
          .outputOptions(["-map", "[v]", "-map", "0:a:0?", "-c:a", "aac", "-b:a", "128k", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-movflags", "+faststart", "-f", "mp4"])
          .output(partial);
      },
      { onTime: input.onTime },
    ),
  );
}

type Segment = { start: number; end: number; layout: ShotLayout };

/** [0, duration) cut into alternating crop and fit segments. */
function segmentsOf(fit: { start: number; end: number }[], duration: number): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const range of [...fit].sort((a, b) => a.start - b.start)) {
    const start = Math.max(at, range.start);
    const end = Math.min(duration, range.end);
    if (end <= start) continue;
    if (start > at) segments.push({ start: at, end: start, layout: "crop" });
    segments.push({ start, end, layout: "fit" });
    at = end;
  }
  if (at < duration) segments.push({ start: at, end: duration, layout: "crop" });
  return segments;
}

/**
 * Each source frame goes through exactly one of two chains: the moving crop, or the whole
 * frame fitted over its blurred copy; `trim` picks each segment's frames and `concat` joins
 * them in order. Segments follow one another in decoding order, so no branch waits on another
 * and nothing queues. The background is made small (an eighth of the output), box-blurred and
 * scaled back up: a blur as wide as a sixth of the picture for a few percent of the cost.
 */
function layoutGraph(crop: string, size: CropSize, segments: Segment[]): string {
  const { width: W, height: H } = size;
  const crops = segments.filter((s) => s.layout === "crop");
  const fits = segments.filter((s) => s.layout === "fit");
  const fanOut = (from: string, prefix: string, count: number) => (count === 1 ? `${from}null[${prefix}0]` : `${from}split=${count}${Array.from({ length: count }, (_, k) => `[${prefix}${k}]`).join("")}`);
  const parts = [`[0:v]setpts=PTS-STARTPTS,split=${crops.length ? 2 : 1}[raw]${crops.length ? "[moving]" : ""}`];
  if (crops.length) parts.push(fanOut(`[moving]${crop},setsar=1,`, "c", crops.length));
  parts.push(fanOut("[raw]", "f", fits.length));
  // At least 16 pixels a side, so the blur's radius (4) fits the half-size chroma planes.
  const small = { width: Math.max(16, Math.round(W / 8)), height: Math.max(16, Math.round(H / 8)) };
  const trim = (s: Segment) => `trim=start=${s.start.toFixed(4)}:end=${s.end.toFixed(4)},setpts=PTS-STARTPTS`;
  segments.forEach((segment, i) => {
    if (segment.layout === "crop") {
      parts.push(`[c${crops.indexOf(segment)}]${trim(segment)}[s${i}]`);
      return;
    }
    const k = fits.indexOf(segment);
    parts.push(`[f${k}]${trim(segment)},split[fg${k}][bg${k}]`);
    parts.push(`[bg${k}]scale=${small.width}:${small.height}:force_original_aspect_ratio=increase,crop=${small.width}:${small.height},boxblur=4:2,scale=${W}:${H}:flags=bilinear[blur${k}]`);
    parts.push(`[fg${k}]scale=${W}:${H}:force_original_aspect_ratio=decrease:force_divisible_by=2[fit${k}]`);
    parts.push(`[blur${k}][fit${k}]overlay=(W-w)/2:(H-h)/2,setsar=1[s${i}]`);
  });
  parts.push(`${segments.map((_, i) => `[s${i}]`).join("")}concat=n=${segments.length}:v=1:a=0,format=yuv420p[v]`);
  return parts.join(";");
}
