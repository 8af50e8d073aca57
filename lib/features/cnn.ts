import { analyzeImages, type WorkerDetection } from "@/lib/inference/worker-client";
import type { Image } from "@/lib/media/frames";

/**
 * The detector's view of a picture, from the inference worker's `detect` and `embed` tasks
 * (POST /v1/images): CenterNet's boxes, and the backbone's last hard-swish map
 * (`tower_0/extern1/hard_swish/mul_1`, 16x16x480) averaged over its cells and L2-normalised,
 * CNN_DIMENSIONS float32 values (notes/models.md). Product images are embedded over their
 * masked crop (maskedCrop below), frames whole.
 */
export const CNN_DIMENSIONS = 480;

/** The worker's per-request cap (WORKER_MAX_IMAGES default). */
const BATCH = 64;

/** Grey the detector sees outside a product's mask: neither black nor white, both of which are product colours. */
const BACKGROUND = 128;

export type DetectorView = { width: number; height: number; embedding: Float32Array; detections: WorkerDetection[] };

/** Detections and the pooled backbone embedding of each file (absolute paths inside the worker's roots). */
export async function detectorViews(files: string[], signal?: AbortSignal): Promise<Map<string, DetectorView>> {
  const views = new Map<string, DetectorView>();
  for (let i = 0; i < files.length; i += BATCH) {
    for await (const line of analyzeImages(files.slice(i, i + BATCH), ["detect", "embed"], signal)) {
      if (!line.embedding || line.embedding.length !== CNN_DIMENSIONS) throw new Error(`the worker gave no ${CNN_DIMENSIONS}-d embedding`);
      views.set(line.path, { width: line.width, height: line.height, embedding: Float32Array.from(line.embedding), detections: line.detections });
    }
  }
  return views;
}

/**
 * The picture cut to its mask's bounding box (padded by 4%), with the pixels outside the mask
 * painted grey, so the pooled feature describes the product rather than its background. A
 * mask that keeps under 2% of the picture (GrabCut gave up) leaves the whole picture.
 */
export function maskedCrop(picture: Image, mask: Uint8Array | null): Image {
  const { width, height, data } = picture;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  let kept = 0;
  if (mask) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (!mask[y * width + x]) continue;
        kept++;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (!mask || kept < width * height * 0.02) return picture;
  const padX = Math.round((x1 - x0 + 1) * 0.04);
  const padY = Math.round((y1 - y0 + 1) * 0.04);
  x0 = Math.max(0, x0 - padX);
  y0 = Math.max(0, y0 - padY);
  x1 = Math.min(width - 1, x1 + padX);
  y1 = Math.min(height - 1, y1 + padY);
  const cropWidth = x1 - x0 + 1;
  const cropHeight = y1 - y0 + 1;
  const out = Buffer.alloc(cropWidth * cropHeight * 3, BACKGROUND);
  for (let y = 0; y < cropHeight; y++) {
    for (let x = 0; x < cropWidth; x++) {
      const source = (y + y0) * width + (x + x0);
      if (!mask[source]) continue;
      const target = (y * cropWidth + x) * 3;
      out[target] = data[source * 3];
      out[target + 1] = data[source * 3 + 1];
      out[target + 2] = data[source * 3 + 2];
    }
  }
  return { width: cropWidth, height: cropHeight, data: out };
}

/**
 * Two L2-normalised vectors joined with weights so that the joined vector's dot product is
 * `weight * cos(a) + (1 - weight) * cos(b)`: [sqrt(weight) * a, sqrt(1 - weight) * b].
 */
export function joinEmbeddings(a: ArrayLike<number>, b: ArrayLike<number>, weight: number): Float32Array {
  const out = new Float32Array(a.length + b.length);
  const wa = Math.sqrt(weight);
  const wb = Math.sqrt(1 - weight);
  for (let i = 0; i < a.length; i++) out[i] = a[i] * wa;
  for (let i = 0; i < b.length; i++) out[a.length + i] = b[i] * wb;
  return out;
}
