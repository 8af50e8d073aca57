import { existsSync } from "node:fs";
import { AppError } from "@/lib/errors";
import { produceFileAtomic } from "@/lib/storage/write-file";
import { FfmpegError, ffmpegInput, lastLines, runFfmpeg } from "./ffmpeg";
import { boxFilters, DEFAULT_FONT_FILE, type SnapshotBox } from "./snapshot";

/** What one event needs from the video: two JPEGs of one frame and a clip. */
export type EvidenceRequest = {
  /** The frame to show, in seconds. */
  at: number;
  boxes: SnapshotBox[];
  /** The clip window in seconds; `start` must fall on a keyframe of the proxy (stream copy). */
  clip: { start: number; end: number };
  outputs: { snapshot: string; annotated: string; clip: string };
};

/** Events per ffmpeg process: bounds open inputs and the command line. */
const batchSize = 10;

/**
 * Makes the evidence of many events from a proxy (lib/media/clip.ts makeProxy) with one ffmpeg
 * process per batch instead of three per event: process start-up, not decoding, is what a
 * snapshot or a stream-copied cut costs. Each event adds two inputs (a short window at the
 * frame, and the clip window) and three outputs; every file is written atomically.
 */
export async function makeEvidence(
  proxy: string,
  requests: EvidenceRequest[],
  options: { fontFile?: string; fontSize?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const fontFile = options.fontFile ?? DEFAULT_FONT_FILE;
  if (requests.some((r) => r.boxes.some((box) => box.label?.trim())) && !existsSync(fontFile)) {
    throw new AppError("unavailable", `Font for snapshot labels not found: ${fontFile}`);
  }
  const batches: EvidenceRequest[][] = [];
  for (let i = 0; i < requests.length; i += batchSize) batches.push(requests.slice(i, i + batchSize));
  // Batches two at a time: one per core of a small machine.
  const next = async (): Promise<void> => {
    const batch = batches.shift();
    if (!batch) return;
    await makeBatch(proxy, batch, fontFile, options.fontSize ?? 18, options.signal);
    return next();
  };
  await Promise.all([next(), next()]);
}

async function makeBatch(proxy: string, batch: EvidenceRequest[], fontFile: string, fontSize: number, signal?: AbortSignal): Promise<void> {
  const targets = batch.flatMap((r) => [r.outputs.snapshot, r.outputs.annotated, r.outputs.clip]);
  // Nest produceFileAtomic once per target: all are renamed into place only if ffmpeg succeeds.
  const produce = (index: number, partials: string[]): Promise<void> =>
    index === targets.length
      ? run(partials)
      : produceFileAtomic(targets[index], (partial) => produce(index + 1, [...partials, partial]));

  const run = (partials: string[]) =>
    runFfmpeg(
      (command) => {
        const graph: string[] = [];
        batch.forEach((request, i) => {
          // Input 2i: half a second at the frame (so decoding stops there); 2i+1: the clip window.
          command.input(ffmpegInput(proxy)).inputOptions(["-ss", Math.max(0, request.at).toFixed(3), "-t", "0.5"]);
          command
            .input(ffmpegInput(proxy))
            .inputOptions([...(request.clip.start > 0 ? ["-ss", request.clip.start.toFixed(3)] : []), "-t", (request.clip.end - request.clip.start).toFixed(3)]);
          const drawn = boxFilters(request.boxes, fontFile, fontSize);
          graph.push(`[${2 * i}:v:0]split=2[plain${i}][raw${i}]`);
          graph.push(`[raw${i}]${drawn.length ? drawn.join(",") : "null"}[drawn${i}]`);
        });
        command.complexFilter(graph.join(";"));
        batch.forEach((_, i) => {
          const jpeg = ["-frames:v", "1", "-q:v", "3", "-f", "mjpeg"];
          command.output(partials[3 * i]).outputOptions(["-map", `[plain${i}]`, ...jpeg]);
          command.output(partials[3 * i + 1]).outputOptions(["-map", `[drawn${i}]`, ...jpeg]);
          command
            .output(partials[3 * i + 2])
            .outputOptions(["-map", `${2 * i + 1}`, "-c", "copy", "-avoid_negative_ts", "make_zero", "-movflags", "+faststart", "-f", "mp4"]);
        });
      },
      { signal, timeoutMs: 60_000 + batch.length * 10_000 },
    );

  try {
    await produce(0, []);
  } catch (error) {
    if (error instanceof FfmpegError) {
      throw new AppError("internal", `Making event snapshots and clips failed: ${lastLines(error.stderr || error.message, 2)}`);
    }
    throw error;
  }
}
