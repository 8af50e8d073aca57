import { runModel, type LoadedModel } from "../models/sessions";
import { sampleRect, unit, type Rgb } from "./image";

/**
 * Person mask from the selfie segmenter: the 256x256 probability map is resized back to the
 * frame bilinearly, thresholded, and run-length encoded without materialising the full mask.
 */
const SIZE = 256;

export type PersonMask = { class: "person"; mask_rle: string; mask_area_pixels: number };

export async function runMask(model: LoadedModel, image: Rgb, threshold: number): Promise<PersonMask[]> {
  const input = sampleRect(image, { x: 0, y: 0, width: image.width, height: image.height }, SIZE, SIZE, unit);
  const out = await runModel(model, input, [1, SIZE, SIZE, 3]);
  const { rle, area } = encodeMask(out.activation_10.data, SIZE, SIZE, image.width, image.height, threshold);
  return area > 0 ? [{ class: "person", mask_rle: rle, mask_area_pixels: area }] : [];
}

/**
 * Row-major RLE over width*height pixels: alternating zero/one run lengths, starting with
 * zeros (a leading 0 when the first pixel is foreground).
 */
export function encodeMask(
  probability: Float32Array,
  mapWidth: number,
  mapHeight: number,
  width: number,
  height: number,
  threshold: number,
): { rle: string; area: number } {
  const cols = halfPixel(mapWidth, width);
  const rows = halfPixel(mapHeight, height);
  const runs: number[] = [];
  let current = 0;
  let length = 0;
  let area = 0;
  for (let y = 0; y < height; y++) {
    const r0 = rows.lo[y] * mapWidth;
    const r1 = rows.hi[y] * mapWidth;
    const wy = rows.weight[y];
    for (let x = 0; x < width; x++) {
      const c0 = cols.lo[x];
      const c1 = cols.hi[x];
      const wx = cols.weight[x];
      const top = probability[r0 + c0] + (probability[r0 + c1] - probability[r0 + c0]) * wx;
      const bottom = probability[r1 + c0] + (probability[r1 + c1] - probability[r1 + c0]) * wx;
      const bit = top + (bottom - top) * wy > threshold ? 1 : 0;
      if (bit !== current) {
        runs.push(length);
        current = bit;
        length = 0;
      }
      length++;
      area += bit;
    }
  }
  runs.push(length);
  return { rle: runs.join(","), area };
}

export function decodeRle(rle: string): Uint8Array {
  const runs = rle.split(",").map(Number);
  const total = runs.reduce((a, b) => a + b, 0);
  const mask = new Uint8Array(total);
  let offset = 0;
  runs.forEach((run, i) => {
    if (i % 2 === 1) mask.fill(1, offset, offset + run);
    offset += run;
  });
  return mask;
}

function halfPixel(from: number, to: number) {
  const lo = new Int32Array(to);
  const hi = new Int32Array(to);
  const weight = new Float32Array(to);
  for (let i = 0; i < to; i++) {
    const s = Math.min(Math.max(((i + 0.5) * from) / to - 0.5, 0), from - 1);
    lo[i] = Math.floor(s);
    hi[i] = Math.min(lo[i] + 1, from - 1);
    weight[i] = s - lo[i];
  }
  return { lo, hi, weight };
}
