/**
 * npx tsx lib/eval/check-synthetic.ts [outDir] [fps]: does the project's detector see the
 * synthetic clips' people as persons? Makes (or reuses) the clips in outDir (default
 * .cache/eval/synthetic), copies them under DATA_DIR (the worker reads only inside its allowed
 * roots), runs the local worker's "detect" on each at `fps` (default: the clip's own, 10) with the score floor
 * lowered to 0.1, and prints, per clip, each truth object's best-overlapping person detection
 * (score, IoU) and the person detections that match nothing. A check to run by hand, not a test:
 * it needs the models and a few minutes of CPU.
 *
 * Sample at the clip's own rate to compare boxes: below it, the frame decoder
 * (lib/media/frames.ts, ffmpeg's fps filter) hands over, for the sampling slot at t, the last
 * source frame that rounds to t, up to half a slot later (measured: +0.2 s at 2 fps, +0.4 s at
 * 1 fps), while the frame keeps the index of t; a walker's box is then 20-40 px off the truth.
 */
import { copyFile, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";
import { startLocalWorker } from "@/lib/inference/local-worker";
import { analyzeRange } from "@/lib/inference/worker-client";
import { makeSyntheticClips, type SyntheticBox } from "./synthetic";

async function main(): Promise<void> {
  const outDir = path.resolve(process.argv[2] ?? ".cache/eval/synthetic");
  const fps = process.argv[3] ? Number(process.argv[3]) : undefined;
  const clips = await makeSyntheticClips(outDir);
  const workDir = path.join(env().dataDir, "tmp", `eval-check-${process.pid}`);
  await mkdir(workDir, { recursive: true });
  const worker = startLocalWorker();
  try {
    for (const clip of clips) {
      const copy = path.join(workDir, path.basename(clip.file));
      await copyFile(clip.file, copy);
      const matched: { id: number; visible: number; score: number; iou: number }[] = [];
      const strays: number[] = [];
      for await (const frame of analyzeRange({ path: copy, start: 0, end: clip.duration, fps: fps ?? clip.fps, tasks: ["detect"], thresholds: { detect: 0.1 } })) {
        const truth = clip.frames[frame.index]?.objects ?? [];
        const people = frame.detections.filter((detection) => detection.class === "person");
        const used = new Set<number>();
        for (const object of truth) {
          let best = { score: 0, iou: 0, k: -1 };
          people.forEach((person, k) => {
            const overlap = iou(object.box, person.bbox);
            if (overlap >= 0.3 && overlap > best.iou) best = { score: person.confidence, iou: overlap, k };
          });
          if (best.k >= 0) used.add(best.k);
          matched.push({ id: object.id, visible: object.visible, score: best.score, iou: best.iou });
        }
        people.forEach((person, k) => !used.has(k) && person.confidence >= 0.2 && strays.push(person.confidence));
      }
      const scores = matched.map((m) => m.score).sort((a, b) => a - b);
      const at = (q: number) => (scores.length ? scores[Math.min(scores.length - 1, Math.floor(q * scores.length))].toFixed(2) : "-");
      const found = (floor: number) => matched.filter((m) => m.score >= floor).length;
      const ious = matched.filter((m) => m.score > 0).map((m) => m.iou);
      console.log(
        `${clip.name}: ${matched.length} truth boxes sampled; found >=0.5: ${found(0.5)}, >=0.2: ${found(0.2)}, >=0.1: ${found(0.1)}; ` +
          `score min/p10/median/max ${at(0)}/${at(0.1)}/${at(0.5)}/${at(0.999)}; mean IoU ${(ious.reduce((a, b) => a + b, 0) / Math.max(1, ious.length)).toFixed(2)}; ` +
          `unmatched person detections >=0.2: ${strays.length}${strays.length ? ` (max ${Math.max(...strays).toFixed(2)})` : ""}`,
      );
      for (const id of [...new Set(matched.map((m) => m.id))]) {
        const own = matched.filter((m) => m.id === id);
        const missed = own.filter((m) => m.score < 0.2);
        console.log(`  track ${id}: median score ${median(own.map((m) => m.score)).toFixed(2)}; under 0.2 in ${missed.length} of ${own.length} (visible there: ${missed.map((m) => m.visible.toFixed(2)).join(" ") || "-"})`);
      }
    }
  } finally {
    await worker.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

function iou(a: SyntheticBox, b: SyntheticBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  return (w * h) / (a.width * a.height + b.width * b.height - w * h);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[sorted.length >> 1] : 0;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
