import { runModel, type LoadedModel } from "../models/sessions";
import { clampBox, iou, sampleRect, signed, unit, type Box, type Rgb } from "./image";

/**
 * BlazeFace (back model, 256) on the frame padded to a square (stretching squashes faces),
 * overlapping raw boxes merged into a score-weighted mean, then MobileFaceNet on each face
 * crop for a 192-d embedding (already L2-normalised by the graph).
 */
const SIZE = 256;
const EMBED_SIZE = 112;
const MERGE_IOU = 0.3;
const MAX_FACES = 32;
const LANDMARKS = ["right_eye", "left_eye", "nose", "mouth", "right_ear", "left_ear"] as const;

type RawFace = { box: Box; score: number; points: number[] };

export type Face = {
  box: Box;
  score: number;
  landmarks: { name: string; x: number; y: number }[];
  embedding?: number[];
};

/** 16x16 cells with 2 anchors, then 8x8 with 6: centres in 0-1, ordered y, x, anchor. */
const ANCHORS: [number, number][] = (() => {
  const anchors: [number, number][] = [];
  for (const [grid, perCell] of [
    [16, 2],
    [8, 6],
  ]) {
    for (let y = 0; y < grid; y++) {
      for (let x = 0; x < grid; x++) {
        for (let a = 0; a < perCell; a++) anchors.push([(x + 0.5) / grid, (y + 0.5) / grid]);
      }
    }
  }
  return anchors;
})();

export async function runFaces(
  detector: LoadedModel,
  embedder: LoadedModel | undefined,
  image: Rgb,
  threshold: number,
): Promise<Face[]> {
  const side = Math.max(image.width, image.height);
  const input = sampleRect(image, { x: 0, y: 0, width: side, height: side }, SIZE, SIZE, signed);
  const out = await runModel(detector, input, [1, SIZE, SIZE, 3]);
  const scores = concat(out["Identity:0"].data, out["Identity_1:0"].data);
  const regressors = concat(out["Identity_2:0"].data, out["Identity_3:0"].data);
  const faces = mergeFaces(decodeFaces(scores, regressors, threshold))
    .slice(0, MAX_FACES)
    .map((face) => ({
      box: clampBox(scaleBox(face.box, side), image.width, image.height),
      score: face.score,
      landmarks: LANDMARKS.map((name, k) => ({ name, x: face.points[2 * k] * side, y: face.points[2 * k + 1] * side })),
    }))
    .filter((face) => face.box.x2 > face.box.x1 && face.box.y2 > face.box.y1);
  if (!embedder || faces.length === 0) return faces;

  // One batched MobileFaceNet run for every face in the frame (its batch axis is dynamic).
  const batch = new Float32Array(faces.length * EMBED_SIZE * EMBED_SIZE * 3);
  faces.forEach((face, i) => {
    const crop = squareAround(face.box);
    batch.set(sampleRect(image, crop, EMBED_SIZE, EMBED_SIZE, unit), i * EMBED_SIZE * EMBED_SIZE * 3);
  });
  const embeddings = (await runModel(embedder, batch, [faces.length, EMBED_SIZE, EMBED_SIZE, 3])).embeddings.data;
  return faces.map((face, i) => ({ ...face, embedding: Array.from(embeddings.subarray(i * 192, (i + 1) * 192)) }));
}

/** Raw detections in 0-1 coordinates of the padded square. */
function decodeFaces(scores: Float32Array, regressors: Float32Array, threshold: number): RawFace[] {
  const faces: RawFace[] = [];
  for (let i = 0; i < ANCHORS.length; i++) {
    const score = 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, scores[i]))));
    if (score < threshold) continue;
    const [ax, ay] = ANCHORS[i];
    const r = regressors.subarray(i * 16, i * 16 + 16);
    const cx = ax + r[0] / SIZE;
    const cy = ay + r[1] / SIZE;
    const w = r[2] / SIZE;
    const h = r[3] / SIZE;
    const points: number[] = [];
    for (let k = 0; k < LANDMARKS.length; k++) points.push(ax + r[4 + 2 * k] / SIZE, ay + r[5 + 2 * k] / SIZE);
    faces.push({ box: { x1: cx - w / 2, y1: cy - h / 2, x2: cx + w / 2, y2: cy + h / 2 }, score, points });
  }
  return faces;
}

/** BlazeFace fires 2-4 boxes per face: replace each cluster by its score-weighted mean. */
function mergeFaces(faces: RawFace[]): RawFace[] {
  const remaining = [...faces].sort((a, b) => b.score - a.score);
  const merged: RawFace[] = [];
  while (remaining.length > 0) {
    const top = remaining[0];
    const cluster = remaining.filter((face) => iou(face.box, top.box) >= MERGE_IOU);
    const total = cluster.reduce((sum, face) => sum + face.score, 0);
    const mean = (pick: (face: RawFace) => number) => cluster.reduce((sum, face) => sum + pick(face) * face.score, 0) / total;
    merged.push({
      box: { x1: mean((f) => f.box.x1), y1: mean((f) => f.box.y1), x2: mean((f) => f.box.x2), y2: mean((f) => f.box.y2) },
      score: top.score,
      points: top.points.map((_, k) => mean((f) => f.points[k])),
    });
    for (const face of cluster) remaining.splice(remaining.indexOf(face), 1);
  }
  return merged;
}

function scaleBox(box: Box, side: number): Box {
  return { x1: box.x1 * side, y1: box.y1 * side, x2: box.x2 * side, y2: box.y2 * side };
}

function squareAround(box: Box) {
  const side = Math.max(box.x2 - box.x1, box.y2 - box.y1);
  return { x: (box.x1 + box.x2 - side) / 2, y: (box.y1 + box.y2 - side) / 2, width: side, height: side };
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
