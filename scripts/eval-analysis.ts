/**
 * Analysis quality against ground truth (a benchmark, not a test):
 *   npm run eval:analysis [-- --smoke] [-- --part frames|synthetic] [-- --json out.json]
 *                         [-- --reviewed a.json --reviewed b.json]
 *
 * Runs the worker's own detector (in process, the job's thresholds) and then the product's code
 * after it (tracking, confirmation, events: lib/eval/evaluate.ts) with a job's default options,
 * and prints one table:
 *  - labelled frames (lib/eval/truth): 33 frames of vtest.avi and the five shared stills, person
 *    and vehicle boxes labelled by eye; precision and recall per class at IoU 0.5, for the boxes
 *    a job shows (tracked) and for every box the detector stored;
 *  - synthetic clips with exact truth (lib/eval/synthetic.ts): IDF1, ID switches, fragments per
 *    true track, entering/leaving precision and recall within 1 s, events on the empty scene;
 *  - vtest.avi as a whole: person tracks, and those over 2 s picked up again under a new id.
 *  - with `--reviewed`: event precision per label from people's verdicts, read from files that
 *    `GET /api/jobs/{id}/events/reviewed?format=coco` gave (reviews feed the evaluation).
 * `--smoke` runs one synthetic clip only (seconds): scripts/eval-analysis.test.ts runs it so the
 * evaluation cannot rot. Detections are cached in .cache/eval/detections by file and detector.
 */
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { analysisOptionsSchema } from "@/lib/analysis/job-kinds";
import { analysisTracking } from "@/lib/analysis/track-job";
import { DEFAULT_THRESHOLDS } from "@/lib/inference/worker-protocol";
import type { VideoFrame } from "@/lib/tracking/video-tracker";
import { decodeFrames, decodeImage } from "@/lib/media/frames";
import type { Zone } from "@/lib/analysis/events/detect-events";
import { interpretDetections, reviewedPrecision, type ReviewedCoco, scoreClip, scoreLabelledFrames, truthZoneCrossings, type ClipScores, type InterpretOptions } from "@/lib/eval/evaluate";
import type { MatchCounts } from "@/lib/eval/metrics";
import { makeSyntheticClips } from "@/lib/eval/synthetic";
import { loadWorkerEnv } from "@/workers/inference/env";
import { chooseDetector } from "@/workers/inference/models/registry";
import { loadModels } from "@/workers/inference/models/sessions";
import { analyzeImage, loadOcrKeys, modelsFor } from "@/workers/inference/tasks/analyze";

const { values } = parseArgs({ options: { smoke: { type: "boolean", default: false }, part: { type: "string", default: "all" }, json: { type: "string" }, reviewed: { type: "string", multiple: true, default: [] }, media: { type: "string", default: path.resolve("../shared/media") } } });
const media = values.media;
const cacheDir = path.resolve(".cache/eval");
const truthDir = path.resolve("lib/eval/truth");
const vehicles = ["bicycle", "car", "motorcycle", "bus", "truck"];

const options = analysisOptionsSchema.parse({});
const fps = options.fps;
const thresholds = { ...DEFAULT_THRESHOLDS, detect: options.detectThreshold };

const env = loadWorkerEnv({ ...process.env, WORKER_ALLOWED_ROOTS: [media, cacheDir].join(",") });
// The worker's detector: DETECTOR_PRECISION=fp32 or int8 (the default) picks it, as in the worker.
const detector = await chooseDetector(env.modelsDir, env.DETECTOR_PRECISION);
const context = { poseModel: env.WORKER_POSE_MODEL, detectorModel: detector.model, ocrKeys: await loadOcrKeys(env.modelsDir) };
const models = await loadModels({ modelsDir: env.modelsDir, ids: modelsFor(["detect"], context), device: env.WORKER_DEVICE, threads: env.WORKER_THREADS });
const detectorKey = createHash("sha256")
  // The worker's output version (detections cached before appearance signatures lack them) and
  // the detector file's own checksum, so fp32 and int8 are cached apart.
  .update(JSON.stringify({ output: "appearance-v1", thresholds, fps, model: models.get(detector.model).entry.sha256 }))
  .digest("hex")
  .slice(0, 12);

/** The detector's boxes for every sampled frame of a video, cached by file, size and detector. */
async function detectVideo(file: string): Promise<VideoFrame[]> {
  const stat = await fs.stat(file);
  const cached = path.join(cacheDir, "detections", `${path.basename(file)}-${stat.size}-${Math.round(stat.mtimeMs)}-${detectorKey}.json`);
  const hit = await fs.readFile(cached, "utf8").catch(() => null);
  if (hit) return JSON.parse(hit);
  const frames: VideoFrame[] = [];
  for await (const frame of decodeFrames({ path: file, fps })) {
    const result = await analyzeImage(models, context, frame, ["detect"], thresholds);
    frames.push({ index: frame.index, timestamp: frame.timestamp, detections: result.detections.map((d) => ({ label: d.class, score: d.confidence, box: d.bbox, appearance: d.appearance })) });
  }
  await fs.mkdir(path.dirname(cached), { recursive: true });
  await fs.writeFile(cached, JSON.stringify(frames));
  return frames;
}

/** A floor zone across the middle of the plaza, which every synthetic walker crosses. */
const zones: Zone[] = [{ name: "middle", points: [[0.4, 0.5], [0.6, 0.5], [0.6, 0.99], [0.4, 0.99]] }];

function interpret(frames: VideoFrame[], frameSize: { width: number; height: number }, withZones = false) {
  const settings: InterpretOptions = { tracking: analysisTracking(options, frameSize), rules: options.rules, frameSize, zones: withZones ? zones : [] };
  return interpretDetections(frames, settings);
}

const pct = (value: number) => value.toFixed(2);
const pr = (m: MatchCounts | undefined) => (m ? `${pct(m.precision)} / ${pct(m.recall)}` : "-");
const lines: string[] = [];
const print = (line = "") => lines.push(line);
const report: Record<string, unknown> = { detector: detector.model, precision: detector.precision, fps, thresholds, tracker: options.tracker, profile: options.profile };

const fallback = detector.fallback ? ` (${detector.requested} asked: ${detector.fallback})` : "";
print(`eval:analysis: detector ${detector.model}, ${detector.precision}${fallback} (${models.get(detector.model).provider}), sampled at ${fps} fps, score floor ${thresholds.detect}; ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(2)}`);

if (!values.smoke && values.part !== "synthetic") {
  // 1. Labelled frames of vtest.avi: the boxes a job shows, and every box stored.
  const vtestTruth = JSON.parse(await fs.readFile(path.join(truthDir, "vtest-frames.json"), "utf8")) as { width: number; height: number; frames: { index: number; boxes: { label: string; x: number; y: number; width: number; height: number; difficult?: boolean }[] }[] };
  const vtestFile = path.join(media, "vtest.avi");
  const vtestFrames = await detectVideo(vtestFile);
  const vtest = interpret(vtestFrames, { width: vtestTruth.width, height: vtestTruth.height });
  const truthFrames = vtestTruth.frames.map((frame) => ({ index: frame.index, boxes: frame.boxes.map(({ label, difficult, ...box }) => ({ label, box, difficult })) }));
  const shown = new Map(vtest.frames.map((frame) => [frame.index, frame.detections]));
  const stored = new Map(vtestFrames.map((frame) => [frame.index, frame.detections]));
  const classes = ["person", ...vehicles];
  const vtestShown = scoreLabelledFrames(truthFrames, shown, classes);
  const vtestStored = scoreLabelledFrames(truthFrames, stored, classes);
  const missing = truthFrames.filter((frame) => !stored.has(frame.index)).length;
  if (missing) throw new Error(`${missing} labelled frames are not on the ${fps} fps sampling grid`);

  // 2. The stills: one frame each, so only the per-frame rules apply (no track to confirm).
  const stillsTruth = JSON.parse(await fs.readFile(path.join(truthDir, "images.json"), "utf8")) as { images: { file: string; boxes: { label: string; x: number; y: number; width: number; height: number; difficult?: boolean }[] }[] };
  const stillFrames: { index: number; boxes: { label: string; box: { x: number; y: number; width: number; height: number }; difficult?: boolean }[] }[] = [];
  const stillPredicted = new Map<number, { label: string; score: number; box: { x: number; y: number; width: number; height: number } }[]>();
  for (const [i, image] of stillsTruth.images.entries()) {
    const decoded = await decodeImage(path.join(media, image.file));
    const result = await analyzeImage(models, context, decoded, ["detect"], thresholds);
    stillFrames.push({ index: i, boxes: image.boxes.map(({ label, difficult, ...box }) => ({ label, box, difficult })) });
    stillPredicted.set(i, result.detections.map((d) => ({ label: d.class, score: d.confidence, box: d.bbox })));
  }
  const stillClasses = [...new Set(stillsTruth.images.flatMap((image) => image.boxes.map((box) => box.label)))].sort();
  const stills = scoreLabelledFrames(stillFrames, stillPredicted, stillClasses);

  print();
  print("Labelled frames (IoU 0.5)              precision / recall   tp  fp  fn");
  const row = (name: string, m: MatchCounts | undefined) => print(`  ${name.padEnd(36)} ${pr(m).padEnd(18)} ${m ? `${String(m.tp).padStart(4)} ${String(m.fp).padStart(3)} ${String(m.fn).padStart(3)}` : ""}`);
  row(`vtest persons, shown (${truthFrames.length} frames)`, vtestShown.person);
  row(`vtest persons, every stored box`, vtestStored.person);
  for (const name of vehicles) {
    if (vtestStored[name].tp + vtestStored[name].fp + vtestStored[name].fn === 0) continue;
    row(`vtest ${name}, shown`, vtestShown[name]);
    row(`vtest ${name}, every stored box`, vtestStored[name]);
  }
  for (const name of stillClasses) row(`stills ${name}`, stills[name]);
  const falseClasses = [...new Set(vtest.frames.flatMap((frame) => frame.detections.map((d) => d.label)))].filter((label) => label !== "person").sort();
  print(`  vtest classes offered besides person: ${falseClasses.join(", ") || "none"}`);
  print();
  print(`vtest.avi whole: ${vtest.summary.personTracks} person tracks, ${vtest.summary.personTracksOver2s} over 2 s, ${vtest.summary.personReacquiredOver2s} of those picked up again under a new id; ${vtest.events.filter((e) => e.label === "person entering" || e.label === "person leaving").length} entering/leaving events`);
  Object.assign(report, { vtestShown, vtestStored, stills, vtestClasses: falseClasses, vtestTracks: vtest.summary, vtestReacquired: vtest.summary.personReacquiredOver2s });
}

// 3. Synthetic clips with exact truth.
const clips = values.part === "frames" ? [] : await makeSyntheticClips(path.join(cacheDir, "synthetic"), values.smoke ? { only: ["enter-leave"] } : undefined);
print();
print("Synthetic clips        true  found  IDF1  IDsw  frag/track  entering P/R  leaving P/R  zones P/R    events");
const scores: Record<string, ClipScores> = {};
for (const clip of clips) {
  const frames = await detectVideo(clip.file);
  const size = { width: clip.width, height: clip.height };
  const result = interpret(frames, size, true);
  const truth = { frames: clip.frames, events: clip.events.map((event) => ({ label: event.label, time: event.time })) };
  const score = scoreClip(truth, result, truthZoneCrossings(truth, size, zones));
  scores[clip.name] = score;
  print(
    `  ${clip.name.padEnd(20)} ${String(score.truthTracks).padStart(4)} ${String(score.predictedTracks).padStart(6)}  ${pct(score.idf1)}  ${String(score.idSwitches).padStart(4)}  ${pct(score.fragmentsPerTrack).padStart(10)}  ${pr(score.crossings.entering).padStart(12)}  ${pr(score.crossings.leaving).padStart(11)}  ${pr(score.zones).padStart(11)}  ${String(score.events).padStart(6)}`,
  );
}
const all = Object.values(scores);
const sum = (pick: (s: ClipScores) => MatchCounts) => {
  const tp = all.reduce((n, s) => n + pick(s).tp, 0);
  const fp = all.reduce((n, s) => n + pick(s).fp, 0);
  const fn = all.reduce((n, s) => n + pick(s).fn, 0);
  return { tp, fp, fn, precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1 };
};
const withPeople = all.filter((s) => s.truthTracks > 0);
const meanIdf1 = withPeople.reduce((n, s) => n + s.idf1, 0) / Math.max(1, withPeople.length);
const crossings = sum((s) => ({ ...s.crossings.entering, tp: s.crossings.entering.tp + s.crossings.leaving.tp, fp: s.crossings.entering.fp + s.crossings.leaving.fp, fn: s.crossings.entering.fn + s.crossings.leaving.fn }));
print(`  ${"all".padEnd(20)} ${String(all.reduce((n, s) => n + s.truthTracks, 0)).padStart(4)} ${String(all.reduce((n, s) => n + s.predictedTracks, 0)).padStart(6)}  ${pct(meanIdf1)}  ${String(all.reduce((n, s) => n + s.idSwitches, 0)).padStart(4)}  ${"".padStart(10)}  entering+leaving ${pr(crossings)}`);
const zoneCounts = sum((s) => s.zones);
print(`  ${"".padEnd(20)} ${"".padStart(4)} ${"".padStart(6)}  ${"".padStart(4)}  ${"".padStart(4)}  ${"".padStart(10)}  zones ${pr(zoneCounts)}`);
Object.assign(report, { synthetic: scores, meanIdf1, crossings, zones: zoneCounts });

if (values.reviewed.length) {
  const files = await Promise.all(values.reviewed.map(async (file) => JSON.parse(await fs.readFile(file, "utf8")) as ReviewedCoco));
  const reviewed = reviewedPrecision(files);
  print();
  print(`Reviewed events (${values.reviewed.length} file(s))      confirmed  false positive  precision`);
  for (const [label, counts] of Object.entries(reviewed)) print(`  ${label.padEnd(36)} ${String(counts.confirmed).padStart(9)}  ${String(counts.falsePositive).padStart(14)}  ${pct(counts.precision).padStart(9)}`);
  Object.assign(report, { reviewed });
}

console.log(lines.join("\n"));
if (values.json) await fs.writeFile(values.json, JSON.stringify(report, null, 2));
