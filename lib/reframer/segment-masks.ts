import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { DetectionPlan } from "@/lib/analysis/detect-chunk";
import type { Db } from "@/lib/db/client";
import { appendJobLog, reportProgress } from "@/lib/jobs";
import { decodeFrames } from "@/lib/media/frames";
import { reframeFiles } from "./files";
import { masksForFrame, masksForImage, type MadeMask } from "./masks";
import { maskPlan, trackName } from "./measure";

export type SegmentSummary = { masks: number; frames: number; colours: Record<string, string>; methods: { segmenter: number; grabcut: number } };

/**
 * The segment step of reframe-video: masks of the tracked objects on every `every`th sampled
 * frame (maskPlan), written as NDJSON (one mask a line, in frame order) to the job's masks file,
 * which replaces any earlier one whole; and each track's colour, the one most of its masks voted for.
 */
export async function segmentMasks(database: Db, jobId: string, file: string, plan: DetectionPlan, every: number): Promise<SegmentSummary> {
  const files = reframeFiles(jobId);
  const planned = await maskPlan(database, jobId, every);
  const objects = new Set(planned.flatMap((frame) => frame.objects.map((o) => o.trackId))).size;
  const currentStep = `Segmenting ${objects} tracked objects`;
  const report = (processed: number) => reportProgress(database, jobId, { processed, total: Math.max(1, planned.length), phase: "segment", currentStep });
  await report(0);
  await mkdir(files.dir, { recursive: true });
  const lines: { frame: number; text: string }[] = [];
  const colourVotes = new Map<string, Map<string, number>>();
  const methods = { segmenter: 0, grabcut: 0 };
  // One ffmpeg stream decodes the mask frames: the sampled grid at the job's own rate, so each
  // frame is the picture the detector saw (ffmpeg's fps filter at a lower rate would pick other
  // source frames for the same times, and the masks would miss their boxes); the frames between
  // are skipped. A planned frame the stream does not give is cut by itself.
  const byIndex = new Map(planned.map((frame) => [frame.frameIndex, frame]));
  const done = new Set<number>();
  const work = path.join(files.dir, "masks-work");
  const add = (frameIndex: number, made: MadeMask[]) => {
    for (const mask of made) {
      const name = trackName(mask.trackId);
      lines.push({ frame: frameIndex, text: JSON.stringify({ frame: frameIndex, track_id: name, class: mask.kind, mask_rle: mask.rle, mask_area_pixels: mask.area }) });
      methods[mask.method]++;
      if (mask.colour) {
        const votes = colourVotes.get(name) ?? new Map<string, number>();
        votes.set(mask.colour, (votes.get(mask.colour) ?? 0) + 1);
        colourVotes.set(name, votes);
      }
    }
    done.add(frameIndex);
  };
  let reported = Date.now();
  try {
    const frames = decodeFrames({ path: file, fps: plan.fps, start: 0, end: plan.duration, width: plan.width, height: plan.height, sourceFps: plan.sourceFps });
    // Two frames in flight: while the worker segments one frame's people, this process runs
    // GrabCut on the frame before. Each takes its own folder; results are added in order.
    let previous: Promise<void> = Promise.resolve();
    let started = 0;
    for await (const image of frames) {
      const frame = byIndex.get(image.index);
      if (!frame || done.has(frame.frameIndex)) continue;
      const made = masksForImage(image, frame.objects, `${work}-${started++ % 2}`);
      made.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
      await previous;
      previous = made.then((masks) => add(frame.frameIndex, masks));
      previous.catch(() => undefined);
      if (Date.now() - reported >= 1000) {
        reported = Date.now();
        await report(done.size);
      }
      if (started === planned.length) break; // the rest of the video has no mask frame; leaving stops ffmpeg
    }
    await previous;
    for (const frame of planned) {
      if (done.has(frame.frameIndex)) continue;
      add(frame.frameIndex, await masksForFrame(file, frame.timestamp, plan, frame.objects, work));
    }
  } finally {
    await Promise.all([work, `${work}-0`, `${work}-1`].map((dir) => rm(dir, { recursive: true, force: true })));
  }
  lines.sort((a, b) => a.frame - b.frame);
  await report(planned.length);
  await writeFile(`${files.masks}.partial`, lines.length ? lines.map((line) => line.text).join("\n") + "\n" : "");
  await rename(`${files.masks}.partial`, files.masks);
  const colours = Object.fromEntries([...colourVotes].map(([name, votes]) => [name, [...votes].sort(([, a], [, b]) => b - a)[0][0]]));
  await appendJobLog(database, jobId, `Masks: ${lines.length} on ${planned.length} frames (${methods.segmenter} by the person segmenter, ${methods.grabcut} by GrabCut)`);
  return { masks: lines.length, frames: planned.length, colours, methods };
}
