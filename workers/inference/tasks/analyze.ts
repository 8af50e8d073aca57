import { readFile } from "node:fs/promises";
import path from "node:path";
import { resultKeyOf, type ImageResult, type Task, type TaskResult, type Thresholds } from "@/lib/inference/worker-protocol";
import type { ModelId } from "../models/registry";
import { modelFiles } from "../models/registry";
import type { ModelSet } from "../models/sessions";
import { appearanceOf } from "./appearance";
import { runDetector, type DetectorOutput } from "./detect";
import { runFaces } from "./faces";
import { toBbox, type Rgb } from "./image";
import { runMask } from "./mask";
import { parseKeys, runOcr } from "./ocr";
import { runPose } from "./pose";

export async function loadOcrKeys(modelsDir: string): Promise<string[]> {
  return parseKeys(await readFile(path.join(modelsDir, modelFiles["ocr-keys"]), "utf8"));
}

const round = (value: number, digits = 4) => Number(value.toFixed(digits));

/** The pose model and the detector (fp32 or int8) the worker runs, and the OCR alphabet. */
export type TaskContext = { poseModel: ModelId; detectorModel: ModelId; ocrKeys: string[] };
type ModelChoice = Pick<TaskContext, "poseModel" | "detectorModel">;
type TaskInput = {
  models: ModelSet;
  context: TaskContext;
  image: Rgb;
  thresholds: Thresholds;
  /** The image's CenterNet run, made once however many tasks ask for it. */
  detector: () => Promise<DetectorOutput>;
};

/**
 * The worker's half of each task's descriptor (the protocol's half, its thresholds and its
 * result field, is TASK_WIRE in lib/inference/worker-protocol.ts): the models it needs, and
 * how it runs on one decoded image, returning the value of its ImageResult field. modelsFor
 * and analyzeImage derive from this list; the type makes it cover every protocol task.
 */
export const TASK_RUNS: { [T in Task]: { models: (context: ModelChoice) => ModelId[]; run: (input: TaskInput) => Promise<TaskResult<T>> } } = {
  detect: {
    models: ({ detectorModel }) => [detectorModel],
    run: async ({ detector, image }) =>
      (await detector()).detections.map((d) => {
        const bbox = toBbox(d.box);
        return { class: d.class, confidence: round(d.score), bbox, appearance: appearanceOf(image, bbox) };
      }),
  },
  pose: {
    // Pose needs person boxes: the detector's.
    models: ({ poseModel, detectorModel }) => [detectorModel, poseModel],
    run: async ({ models, context, image, thresholds, detector }) => {
      const people = (await detector()).detections.filter((d) => d.class === "person").slice(0, thresholds.pose_people);
      const poses = [];
      for (const person of people) {
        const pose = await runPose(models.get(context.poseModel), image, person.box);
        poses.push({
          bbox: toBbox(person.box),
          keypoints: pose.keypoints
            .filter((point) => point.score >= thresholds.pose)
            .map((point) => ({ name: point.name, x: round(point.x, 1), y: round(point.y, 1), score: round(point.score) })),
        });
      }
      return poses;
    },
  },
  mask: { models: () => ["selfie"], run: ({ models, image, thresholds }) => runMask(models.get("selfie"), image, thresholds.mask) },
  embed: {
    // The embedding is the detector run's pooled backbone.
    models: ({ detectorModel }) => [detectorModel],
    run: async ({ detector }) => (await detector()).embedding.map((value) => round(value, 6)),
  },
  faces: {
    models: () => ["blazeface", "mobilefacenet"],
    run: async ({ models, image, thresholds }) =>
      (await runFaces(models.get("blazeface"), models.get("mobilefacenet"), image, thresholds.faces)).map((face) => ({
        bbox: toBbox(face.box),
        confidence: round(face.score),
        landmarks: face.landmarks.map((point) => ({ name: point.name, x: round(point.x, 1), y: round(point.y, 1) })),
        embedding: (face.embedding ?? []).map((value) => round(value, 6)),
      })),
  },
  ocr: {
    models: () => ["ocr-det", "ocr-rec"],
    run: async ({ models, context, image, thresholds }) =>
      (await runOcr(models.get("ocr-det"), models.get("ocr-rec"), context.ocrKeys, image, thresholds.ocr)).map((line) => ({ bbox: toBbox(line.box), text: line.text, confidence: round(line.confidence) })),
  },
};

/** The models each task needs; the worker loads the union at startup. */
export function modelsFor(tasks: readonly Task[], choice: ModelChoice): ModelId[] {
  return [...new Set(tasks.flatMap((task) => TASK_RUNS[task].models(choice)))];
}

/**
 * Runs the requested tasks on one decoded image and returns the wire-shaped result (the
 * protocol's ImageResult), each task's result in its own field. One CenterNet pass serves
 * detect, pose and embed together.
 */
export async function analyzeImage(models: ModelSet, context: TaskContext, image: Rgb, tasks: readonly Task[], thresholds: Thresholds): Promise<ImageResult> {
  let detection: Promise<DetectorOutput> | undefined;
  const detector = () => (detection ??= runDetector(models.get(context.detectorModel), image, { score: thresholds.detect, iou: thresholds.iou }));
  const result: ImageResult = { width: image.width, height: image.height, detections: [] };
  const input = { models, context, image, thresholds, detector };
  for (const task of tasks) Object.assign(result, { [resultKeyOf(task)]: await TASK_RUNS[task].run(input) });
  return result;
}
