import { runModel, type LoadedModel } from "../models/sessions";
import { raw, sampleRect, type Box, type Rgb } from "./image";

/**
 * MoveNet single-pose, run on each person box (padded to a square around its centre) so a
 * frame with several people gets one pose each. The graph's ArgMax/GatherNd tail is redone
 * here exactly as notes/models.md describes.
 */
export const KEYPOINT_NAMES = [
  "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
  "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip",
  "left_knee", "right_knee", "left_ankle", "right_ankle",
] as const;

const KEYPOINTS = KEYPOINT_NAMES.length;
/** MoveNet's distance weighting constant (matches the graph's truediv_2_recip). */
const DISTANCE_BIAS = 1.8;
/** Context around the person: MoveNet was trained on loose crops. */
const CROP_MARGIN = 1.25;

export type Keypoint = { name: string; x: number; y: number; score: number };
export type Pose = { keypoints: Keypoint[] };

export async function runPose(model: LoadedModel, image: Rgb, person: Box): Promise<Pose> {
  const size = model.id === "movenet-thunder" ? 256 : 192;
  const side = Math.max(person.x2 - person.x1, person.y2 - person.y1) * CROP_MARGIN;
  const crop = { x: (person.x1 + person.x2 - side) / 2, y: (person.y1 + person.y2 - side) / 2, width: side, height: side };
  const input = sampleRect(image, crop, size, size, raw);
  const out = await runModel(model, input, [1, size, size, 3]);
  const heat = out["StatefulPartitionedCall/Sigmoid"].data;
  const centre = out["StatefulPartitionedCall/Sigmoid_1"].data;
  const regress = out["StatefulPartitionedCall/kpt_regress_0/conv2d_6/BiasAdd"].data;
  const offset = out["StatefulPartitionedCall/kpt_offset_0/conv2d_7/BiasAdd"].data;
  const normalised = decodePose(heat, centre, regress, offset, size / 4);
  return {
    keypoints: normalised.map((point, k) => ({
      name: KEYPOINT_NAMES[k],
      x: Math.min(Math.max(crop.x + point.x * side, 0), image.width),
      y: Math.min(Math.max(crop.y + point.y * side, 0), image.height),
      score: point.score,
    })),
  };
}

/** Keypoints normalised to the model input (0-1), with heatmap scores. */
export function decodePose(
  heat: Float32Array,
  centre: Float32Array,
  regress: Float32Array,
  offset: Float32Array,
  grid: number,
): { x: number; y: number; score: number }[] {
  // 1. The person centre, weighted towards the middle of the crop.
  let best = -1;
  let cy = 0;
  let cx = 0;
  for (let y = 0; y < grid; y++) {
    for (let x = 0; x < grid; x++) {
      const value = centre[y * grid + x] / (Math.hypot(y - grid / 2, x - grid / 2) + DISTANCE_BIAS);
      if (value > best) [best, cy, cx] = [value, y, x];
    }
  }
  const points = [];
  for (let k = 0; k < KEYPOINTS; k++) {
    // 2. Where the centre's regression puts keypoint k, then 3. the heatmap peak nearest it.
    const r = (cy * grid + cx) * KEYPOINTS * 2 + 2 * k;
    const ry = cy + regress[r];
    const rx = cx + regress[r + 1];
    let bestScore = -1;
    let ky = 0;
    let kx = 0;
    for (let y = 0; y < grid; y++) {
      for (let x = 0; x < grid; x++) {
        const value = heat[(y * grid + x) * KEYPOINTS + k] / (Math.hypot(y - ry, x - rx) + DISTANCE_BIAS);
        if (value > bestScore) [bestScore, ky, kx] = [value, y, x];
      }
    }
    // 4. Sub-cell offset, normalised to the input.
    const o = (ky * grid + kx) * KEYPOINTS * 2 + 2 * k;
    points.push({
      y: (ky + offset[o]) / grid,
      x: (kx + offset[o + 1]) / grid,
      score: heat[(ky * grid + kx) * KEYPOINTS + k],
    });
  }
  return points;
}
