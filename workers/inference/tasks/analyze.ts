import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ImageResult, Task, Thresholds } from "@/lib/inference/worker-protocol";
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

/** The models each task needs; the worker loads the union at startup. */
export function modelsFor(tasks: readonly Task[], poseModel: ModelId): ModelId[] {
  const ids = new Set<ModelId>();
  for (const task of tasks) {
    if (task === "detect" || task === "embed") ids.add("centernet");
    if (task === "pose") ids.add("centernet").add(poseModel);
    if (task === "mask") ids.add("selfie");
    if (task === "faces") ids.add("blazeface").add("mobilefacenet");
    if (task === "ocr") ids.add("ocr-det").add("ocr-rec");
  }
  return [...ids];
}

export async function loadOcrKeys(modelsDir: string): Promise<string[]> {
  return parseKeys(await readFile(path.join(modelsDir, modelFiles["ocr-keys"]), "utf8"));
}

const round = (value: number, digits = 4) => Number(value.toFixed(digits));

/**
 * Runs the requested tasks on one decoded image and returns the wire-shaped result (the
 * protocol's ImageResult). Pose needs person boxes and embed reuses the detector run, so one
 * CenterNet pass serves detect, pose and embed together.
 */
export async function analyzeImage(
  models: ModelSet,
  context: { poseModel: ModelId; ocrKeys: string[] },
  image: Rgb,
  tasks: readonly Task[],
  thresholds: Thresholds,
): Promise<ImageResult> {
  const wants = (task: Task) => tasks.includes(task);
  const result: ImageResult = { width: image.width, height: image.height, detections: [] };

  let detector: DetectorOutput | undefined;
  if (wants("detect") || wants("pose") || wants("embed")) {
    detector = await runDetector(models.get("centernet"), image, { score: thresholds.detect, iou: thresholds.iou });
  }
  if (detector && wants("detect")) {
    result.detections = detector.detections.map((d) => {
      const bbox = toBbox(d.box);
      return { class: d.class, confidence: round(d.score), bbox, appearance: appearanceOf(image, bbox) };
    });
  }
  if (detector && wants("pose")) {
    const people = detector.detections.filter((d) => d.class === "person").slice(0, thresholds.pose_people);
    result.pose = [];
    for (const person of people) {
      const pose = await runPose(models.get(context.poseModel), image, person.box);
      result.pose.push({
        bbox: toBbox(person.box),
        keypoints: pose.keypoints
          .filter((point) => point.score >= thresholds.pose)
          .map((point) => ({ name: point.name, x: round(point.x, 1), y: round(point.y, 1), score: round(point.score) })),
      });
    }
  }
  if (detector && wants("embed")) result.embedding = detector.embedding.map((value) => round(value, 6));
  if (wants("mask")) result.masks = await runMask(models.get("selfie"), image, thresholds.mask);
  if (wants("faces")) {
    const faces = await runFaces(models.get("blazeface"), models.get("mobilefacenet"), image, thresholds.faces);
    result.faces = faces.map((face) => ({
      bbox: toBbox(face.box),
      confidence: round(face.score),
      landmarks: face.landmarks.map((point) => ({ name: point.name, x: round(point.x, 1), y: round(point.y, 1) })),
      embedding: (face.embedding ?? []).map((value) => round(value, 6)),
    }));
  }
  if (wants("ocr")) {
    const lines = await runOcr(models.get("ocr-det"), models.get("ocr-rec"), context.ocrKeys, image, thresholds.ocr);
    result.ocr = lines.map((line) => ({ bbox: toBbox(line.box), text: line.text, confidence: round(line.confidence) }));
  }
  return result;
}
