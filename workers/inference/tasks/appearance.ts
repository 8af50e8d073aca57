import type { Rgb } from "./image";

/**
 * A detection's appearance signature, for telling people apart when the tracker has to decide
 * whether a track that begins is one that ended moments ago (lib/tracking/video-tracker.ts
 * stitching). Two body bands of the box, the upper (15-50% of its height: the torso) and the
 * lower (50-90%: legs), inside its middle half across (less background): per band the mean
 * chromaticity r/(r+g+b), g/(r+g+b) and the mean brightness. Chromaticity does not change when
 * a person walks from sun into shade; brightness does, and weighs less in the distance.
 * Sampled on a grid of at most 16 x 16 points per band: a few hundred reads a box.
 */
export const APPEARANCE_LENGTH = 6;

export function appearanceOf(image: Rgb, box: { x: number; y: number; width: number; height: number }): number[] {
  const x0 = box.x + box.width * 0.25;
  const x1 = box.x + box.width * 0.75;
  return [band(image, x0, x1, box.y + box.height * 0.15, box.y + box.height * 0.5), band(image, x0, x1, box.y + box.height * 0.5, box.y + box.height * 0.9)].flat();
}

function band(image: Rgb, x0: number, x1: number, y0: number, y1: number): number[] {
  const steps = 16;
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let j = 0; j < steps; j++) {
    const y = Math.floor(y0 + ((y1 - y0) * (j + 0.5)) / steps);
    if (y < 0 || y >= image.height) continue;
    for (let i = 0; i < steps; i++) {
      const x = Math.floor(x0 + ((x1 - x0) * (i + 0.5)) / steps);
      if (x < 0 || x >= image.width) continue;
      const at = (y * image.width + x) * 3;
      r += image.data[at];
      g += image.data[at + 1];
      b += image.data[at + 2];
      n++;
    }
  }
  if (n === 0) return [1 / 3, 1 / 3, 0];
  const sum = r + g + b || 1;
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return [round(r / sum), round(g / sum), round((r + g + b) / (3 * 255 * n))];
}
