/**
 * Pixel plumbing shared by the tasks: bilinear sampling of a rectangle of an RGB24 frame into
 * a float tensor (stretch, pad-to-square and crops are all "a rectangle"), and box geometry.
 */
export type Rgb = { width: number; height: number; data: Uint8Array };

/** Floating-point box in source pixels. */
export type Box = { x1: number; y1: number; x2: number; y2: number };

export type PixelTransform = {
  /** value' = value * scale[c] + offset[c], per RGB channel. */
  scale: [number, number, number];
  offset: [number, number, number];
  layout: "nhwc" | "nchw";
};

export const raw: PixelTransform = { scale: [1, 1, 1], offset: [0, 0, 0], layout: "nhwc" };
export const unit: PixelTransform = { scale: [1 / 255, 1 / 255, 1 / 255], offset: [0, 0, 0], layout: "nhwc" };
export const signed: PixelTransform = { scale: [2 / 255, 2 / 255, 2 / 255], offset: [-1, -1, -1], layout: "nhwc" };

/**
 * Samples `rect` (source pixels; it may extend past the image, which reads as black) into a
 * width x height tensor with bilinear interpolation. "half_pixel" centres samples as most
 * resizers do; "asymmetric" is tf.image.resizeBilinear's default (src = dst * scale), which
 * is how the TFJS models were fed upstream.
 */
export function sampleRect(
  image: Rgb,
  rect: { x: number; y: number; width: number; height: number },
  width: number,
  height: number,
  transform: PixelTransform,
  sampling: "half_pixel" | "asymmetric" = "half_pixel",
): Float32Array {
  const out = new Float32Array(width * height * 3);
  const cols = axisSamples(rect.x, rect.width, width, image.width, sampling);
  const rows = axisSamples(rect.y, rect.height, height, image.height, sampling);
  const [s0, s1, s2] = transform.scale;
  const [o0, o1, o2] = transform.offset;
  const nchw = transform.layout === "nchw";
  const plane = width * height;
  const src = image.data;
  const stride = image.width * 3;
  // Byte offsets of the two source columns per output column, computed once.
  const left = new Int32Array(width);
  const right = new Int32Array(width);
  for (let dx = 0; dx < width; dx++) {
    left[dx] = cols.lo[dx] * 3;
    right[dx] = cols.hi[dx] * 3;
  }
  for (let dy = 0; dy < height; dy++) {
    const top = rows.lo[dy] * stride;
    const bottom = rows.hi[dy] * stride;
    const wy = rows.weight[dy];
    const rowOutside = rows.lo[dy] < 0;
    for (let dx = 0; dx < width; dx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      if (!rowOutside && cols.lo[dx] >= 0) {
        const wx = cols.weight[dx];
        const a = top + left[dx];
        const bb = top + right[dx];
        const d = bottom + left[dx];
        const e = bottom + right[dx];
        const w00 = (1 - wx) * (1 - wy);
        const w01 = wx * (1 - wy);
        const w10 = (1 - wx) * wy;
        const w11 = wx * wy;
        r = src[a] * w00 + src[bb] * w01 + src[d] * w10 + src[e] * w11;
        g = src[a + 1] * w00 + src[bb + 1] * w01 + src[d + 1] * w10 + src[e + 1] * w11;
        b = src[a + 2] * w00 + src[bb + 2] * w01 + src[d + 2] * w10 + src[e + 2] * w11;
      }
      const pixel = dy * width + dx;
      if (nchw) {
        out[pixel] = r * s0 + o0;
        out[plane + pixel] = g * s1 + o1;
        out[2 * plane + pixel] = b * s2 + o2;
      } else {
        out[3 * pixel] = r * s0 + o0;
        out[3 * pixel + 1] = g * s1 + o1;
        out[3 * pixel + 2] = b * s2 + o2;
      }
    }
  }
  return out;
}

/** Per output column (or row): the two source indices and the weight of the second; -1 = outside. */
function axisSamples(start: number, length: number, count: number, size: number, sampling: "half_pixel" | "asymmetric") {
  const lo = new Int32Array(count);
  const hi = new Int32Array(count);
  const weight = new Float32Array(count);
  const shift = sampling === "half_pixel" ? 0.5 : 0;
  for (let i = 0; i < count; i++) {
    const s = start + ((i + shift) * length) / count - shift;
    if (s < -0.5 || s > size - 0.5) {
      lo[i] = -1;
      continue;
    }
    const clamped = Math.min(Math.max(s, 0), size - 1);
    const base = Math.floor(clamped);
    lo[i] = base;
    hi[i] = Math.min(base + 1, size - 1);
    weight[i] = clamped - base;
  }
  return { lo, hi, weight };
}

export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter);
}

/** Greedy non-maximum suppression over items sorted by score, highest first. */
export function nms<T extends { box: Box; score: number }>(items: T[], threshold: number): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const item of sorted) {
    if (kept.every((other) => iou(item.box, other.box) < threshold)) kept.push(item);
  }
  return kept;
}

export function clampBox(box: Box, width: number, height: number): Box {
  return {
    x1: Math.min(Math.max(box.x1, 0), width),
    y1: Math.min(Math.max(box.y1, 0), height),
    x2: Math.min(Math.max(box.x2, 0), width),
    y2: Math.min(Math.max(box.y2, 0), height),
  };
}

/** The wire form: integer source pixels. */
export function toBbox(box: Box): { x: number; y: number; width: number; height: number } {
  const x = Math.round(box.x1);
  const y = Math.round(box.y1);
  return { x, y, width: Math.round(box.x2) - x, height: Math.round(box.y2) - y };
}

export function l2normalise(values: Float32Array | number[]): number[] {
  let sum = 0;
  for (const value of values) sum += value * value;
  const norm = Math.sqrt(sum) || 1;
  return Array.from(values, (value) => value / norm);
}
