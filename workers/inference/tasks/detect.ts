import { runModel, type LoadedModel } from "../models/sessions";
import { COCO_CLASSES } from "@/lib/inference/coco-classes";
import { clampBox, l2normalise, nms, raw, sampleRect, type Box, type Rgb } from "./image";

/**
 * CenterNet (COCO-80) with its frame embedding. The graph was cut before its MaxPool/TopK
 * tail, which is redone here: 3x3 peaks, top 100, boxes from the wh head, then NMS.
 */
const SIZE = 512;
const GRID = 128;
const CLASSES = 80;
const TOP_K = 100;

export type Detection = { class: string; classIndex: number; score: number; box: Box };

export type DetectorOutput = { detections: Detection[]; embedding: number[] };

export const DETECTOR_INPUT_DIMS = [1, SIZE, SIZE, 3];

/**
 * The frame as the detector takes it: stretched to 512x512, RGB 0-255, resized like
 * tf.image.resizeBilinear upstream: on person.jpg half-pixel sampling tips the horse (0.28)
 * under a "sheep" (0.30). The int8 model's calibration feeds the same (convert/calibration.ts).
 */
export function detectorInput(image: Rgb): Float32Array {
  const full = { x: 0, y: 0, width: image.width, height: image.height };
  return sampleRect(image, full, SIZE, SIZE, raw, "asymmetric");
}

export async function runDetector(
  model: LoadedModel,
  image: Rgb,
  thresholds: { score: number; iou: number },
): Promise<DetectorOutput> {
  const outputs = await runModel(model, detectorInput(image), DETECTOR_INPUT_DIMS);
  const heat = outputs["tower_0/keypoints"].data;
  const wh = outputs["tower_0/wh"].data;
  const features = outputs["tower_0/extern1/hard_swish/mul_1"];
  return {
    detections: decodeDetections(heat, wh, image.width, image.height, thresholds),
    embedding: poolEmbedding(features.data, features.dims[3]),
  };
}

export function decodeDetections(
  heat: Float32Array,
  wh: Float32Array,
  width: number,
  height: number,
  thresholds: { score: number; iou: number },
): Detection[] {
  const peaks: { index: number; score: number }[] = [];
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      const base = (y * GRID + x) * CLASSES;
      for (let c = 0; c < CLASSES; c++) {
        const score = heat[base + c];
        if (score < thresholds.score || !isPeak(heat, x, y, c, score)) continue;
        peaks.push({ index: base + c, score });
      }
    }
  }
  peaks.sort((a, b) => b.score - a.score);
  const sx = width / SIZE;
  const sy = height / SIZE;
  const candidates = peaks.slice(0, TOP_K).map(({ index, score }) => {
    const c = index % CLASSES;
    const cell = (index - c) / CLASSES;
    const x = cell % GRID;
    const y = (cell - x) / GRID;
    const o = cell * 4;
    const box = clampBox(
      { x1: (4 * x - wh[o]) * sx, y1: (4 * y - wh[o + 1]) * sy, x2: (4 * x + wh[o + 2]) * sx, y2: (4 * y + wh[o + 3]) * sy },
      width,
      height,
    );
    return { class: COCO_CLASSES[c] as string, classIndex: c, score, box };
  });
  return nms(
    candidates.filter(({ box }) => box.x2 > box.x1 && box.y2 > box.y1),
    thresholds.iou,
  );
}

/** No 8-neighbour in the same channel scores higher (the graph's 3x3 MaxPool + Equal). */
function isPeak(heat: Float32Array, x: number, y: number, c: number, score: number): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= GRID) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      if ((dx === 0 && dy === 0) || xx < 0 || xx >= GRID) continue;
      if (heat[(yy * GRID + xx) * CLASSES + c] > score) return false;
    }
  }
  return true;
}

/** Mean over the 16x16 cells of the backbone's last activation, L2-normalised. */
function poolEmbedding(features: Float32Array, channels: number): number[] {
  const sums = new Float32Array(channels);
  const cells = features.length / channels;
  for (let i = 0; i < features.length; i++) sums[i % channels] += features[i];
  for (let c = 0; c < channels; c++) sums[c] /= cells;
  return l2normalise(sums);
}
