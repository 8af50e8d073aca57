import { writeFile } from "node:fs/promises";
import { cropCommands, subjectCrop } from "@/lib/framing/subject-crop";
import type { TimelineSegment } from "./render";

/**
 * An `aspect` render's crops: each segment's subject-following path from the reframer
 * (lib/framing/subject-crop.ts, the detector on the inference worker), written as a
 * `sendcmd` file beside the output (`dir/.crop-<k>.cmd`, removed with the job's other work
 * files) and carried on the segment for renderArgs. The summary says how far each crop moved.
 */
export type CropSummary = { mode: "subject"; segments: { shots: number; sampled: number; seen: number; axis: "x" | "y"; min: number; max: number; centre: number }[] };

export async function withSubjectCrops(
  segments: TimelineSegment[],
  options: { aspect: string; fps: number; commandsFile: (index: number) => string; signal?: AbortSignal; onSegment?: (done: number, total: number) => void },
): Promise<{ segments: TimelineSegment[]; summary: CropSummary }> {
  const out: TimelineSegment[] = [];
  const summary: CropSummary = { mode: "subject", segments: [] };
  for (const [k, segment] of segments.entries()) {
    const crop = await subjectCrop({ file: segment.file, start: segment.in, end: segment.out, frame: segment, aspect: options.aspect, fps: options.fps, signal: options.signal });
    const commandsFile = options.commandsFile(k);
    await writeFile(commandsFile, cropCommands(crop, `crop@s${k}`));
    out.push({ ...segment, crop: { width: crop.width, height: crop.height, axis: crop.axis, offset: crop.offsets[0] ?? 0, commandsFile } });
    const span = crop.axis === "x" ? segment.width : segment.height;
    summary.segments.push({
      shots: crop.shots,
      sampled: crop.sampled,
      seen: crop.seen,
      axis: crop.axis,
      min: Math.min(...crop.offsets),
      max: Math.max(...crop.offsets),
      centre: Math.round((span - (crop.axis === "x" ? crop.width : crop.height)) / 2),
    });
    options.onSegment?.(k + 1, segments.length);
  }
  return { segments: out, summary };
}
