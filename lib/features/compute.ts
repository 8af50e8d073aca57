import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { EMBEDDING_DIMENSIONS } from "@/lib/db/schema";
import { decodeImage, probeVideoStream, type Image } from "@/lib/media/frames";
import { openCv } from "@/lib/media/opencv";
import { maskedCrop } from "./cnn";
import { encodeKeypointBlob, type Keypoints } from "./keypoint-blob";
import { encodeGrayPng, encodeRgbPng } from "./png";

/**
 * The three features of contracts/feature-extraction.md for one picture (a product image or a
 * video frame), written as files next to each other under the job's media folder:
 *
 * - segment (`<base>.seg.png`): 8-bit grayscale PNG, 255 = product, 0 = background, at the
 *   working size (longest side SEGMENT_SIDE). GrabCut (opencv-js, 3 iterations) seeded with
 *   the picture minus a border of 5% as "probably foreground" and the border as background.
 * - embedding (`<base>.emb.bin`): EMBEDDING_DIMENSIONS (256) little-endian float32, an HSV
 *   colour histogram with 16 hue x 4 saturation x 4 value bins (index = h * 16 + s * 4 + v),
 *   square-rooted (Hellinger) and L2-normalised, so cosine similarity is a dot product. Product
 *   images count only the pixels inside their mask; frames count every pixel (a product is
 *   somewhere in them). The same values are in the `emb_rgb` column. Product images also get
 *   `<base>.crop.png`, their masked crop, which the detector embeds (lib/features/cnn.ts).
 * - keypoints (`<base>.kp.bin`): ORB (opencv-js) on the grayscale picture at the keypoint size
 *   (longest side KEYPOINT_SIDE); see ./keypoint-blob.ts for the layout.
 */
export type FeatureKind = "segment" | "embedding" | "keypoints";

export const SEGMENT_SIDE = 320;
export const KEYPOINT_SIDE = 640;

export type PictureFeatures = {
  width: number;
  height: number;
  /** Paths relative to the media folder the caller gave. */
  segMaskPath: string | null;
  embPath: string | null;
  kpBlobPath: string | null;
  embedding: Float32Array | null;
  kpCount: number | null;
  /** Product images with an embedding: the masked crop (RGB PNG) for the detector to embed. */
  cropPath: string | null;
};

export async function extractPictureFeatures(input: {
  file: string;
  mediaDir: string;
  /** Relative to mediaDir, without extension: `features/products/p_001_img_0`. */
  base: string;
  features: readonly FeatureKind[];
  /** Product images: embed the masked product; frames: embed the whole picture. */
  maskedEmbedding: boolean;
}): Promise<PictureFeatures> {
  const info = await probeVideoStream(input.file);
  const keypointSize = fit(info.width, info.height, KEYPOINT_SIDE);
  const picture = await decodeImage(input.file, keypointSize);
  const small = fit(info.width, info.height, SEGMENT_SIDE);
  const smallPicture = small.width === picture.width && small.height === picture.height ? picture : await decodeImage(input.file, small);
  const wants = (kind: FeatureKind) => input.features.includes(kind);
  const out: PictureFeatures = { width: info.width, height: info.height, segMaskPath: null, embPath: null, kpBlobPath: null, embedding: null, kpCount: null, cropPath: null };
  await mkdir(path.dirname(path.join(input.mediaDir, input.base)), { recursive: true });

  let mask: Uint8Array | null = null;
  if (wants("segment") || (wants("embedding") && input.maskedEmbedding)) mask = await grabCutMask(smallPicture);
  // turbopackIgnore (here and below): files in the job's media folder, not the app's; without it
  // the build traces the whole project for `<anything>.seg.png` and the like.
  if (wants("segment") && mask) {
    out.segMaskPath = `${input.base}.seg.png`;
    await writeFile(path.join(/* turbopackIgnore: true */ input.mediaDir, out.segMaskPath), encodeGrayPng(smallPicture.width, smallPicture.height, mask));
  }
  if (wants("embedding")) {
    out.embedding = colourEmbedding(smallPicture, input.maskedEmbedding ? mask : null);
    out.embPath = `${input.base}.emb.bin`;
    await writeFile(path.join(/* turbopackIgnore: true */ input.mediaDir, out.embPath), Buffer.from(out.embedding.buffer, out.embedding.byteOffset, out.embedding.byteLength));
    if (input.maskedEmbedding) {
      const crop = maskedCrop(smallPicture, mask);
      out.cropPath = `${input.base}.crop.png`;
      await writeFile(path.join(/* turbopackIgnore: true */ input.mediaDir, out.cropPath), encodeRgbPng(crop.width, crop.height, crop.data));
    }
  }
  if (wants("keypoints")) {
    const keypoints = await orbKeypoints(picture, input.maskedEmbedding ? 500 : 1000);
    out.kpBlobPath = `${input.base}.kp.bin`;
    out.kpCount = keypoints.count;
    await writeFile(path.join(/* turbopackIgnore: true */ input.mediaDir, out.kpBlobPath), encodeKeypointBlob(keypoints));
  }
  return out;
}

/** The size that fits (width, height) inside `side` on its longest side, never enlarged, even in both. */
export function fit(width: number, height: number, side: number): { width: number; height: number } {
  const scale = Math.min(1, side / Math.max(width, height));
  // Even sizes: ffmpeg's scaler and the RGB buffer agree on them.
  return { width: Math.max(2, Math.round((width * scale) / 2) * 2), height: Math.max(2, Math.round((height * scale) / 2) * 2) };
}

/** GrabCut seeded with the border as background; 255 where the result is (probably) foreground. */
export async function grabCutMask(picture: Image, iterations = 3): Promise<Uint8Array> {
  const cv = await openCv();
  const { width, height } = picture;
  const rgb = cv.matFromArray(height, width, cv.CV_8UC3, picture.data);
  const mask = new cv.Mat();
  const bgd = new cv.Mat();
  const fgd = new cv.Mat();
  try {
    const inset = { x: Math.max(1, Math.round(width * 0.05)), y: Math.max(1, Math.round(height * 0.05)) };
    const rect = new cv.Rect(inset.x, inset.y, width - 2 * inset.x, height - 2 * inset.y);
    cv.grabCut(rgb, mask, rect, bgd, fgd, iterations, cv.GC_INIT_WITH_RECT);
    const labels = mask.data as Uint8Array;
    const out = new Uint8Array(width * height);
    for (let i = 0; i < out.length; i++) out[i] = labels[i] === 1 || labels[i] === 3 ? 255 : 0;
    return out;
  } finally {
    rgb.delete();
    mask.delete();
    bgd.delete();
    fgd.delete();
  }
}

/** The 256-d HSV histogram embedding described above; `mask` (same size) limits the pixels. */
export function colourEmbedding(picture: Image, mask: Uint8Array | null): Float32Array {
  const histogram = new Float64Array(EMBEDDING_DIMENSIONS);
  const { data } = picture;
  const pixels = picture.width * picture.height;
  let counted = 0;
  // A mask that kept almost nothing (GrabCut gave up) says nothing: use the whole picture.
  const usable = mask && mask.reduce((sum, value) => sum + (value ? 1 : 0), 0) > pixels * 0.02 ? mask : null;
  for (let i = 0; i < pixels; i++) {
    if (usable && !usable[i]) continue;
    const r = data[i * 3] / 255;
    const g = data[i * 3 + 1] / 255;
    const b = data[i * 3 + 2] / 255;
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const delta = max - min;
    let hue = 0;
    if (delta > 0) {
      if (max === r) hue = ((g - b) / delta + 6) % 6;
      else if (max === g) hue = (b - r) / delta + 2;
      else hue = (r - g) / delta + 4;
    }
    const saturation = max === 0 ? 0 : delta / max;
    const h = Math.min(15, Math.floor((hue / 6) * 16));
    const s = Math.min(3, Math.floor(saturation * 4));
    const v = Math.min(3, Math.floor(max * 4));
    histogram[h * 16 + s * 4 + v]++;
    counted++;
  }
  const out = new Float32Array(EMBEDDING_DIMENSIONS);
  let norm = 0;
  for (let i = 0; i < out.length; i++) {
    const value = counted ? Math.sqrt(histogram[i] / counted) : 0;
    out[i] = value;
    norm += value * value;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < out.length; i++) out[i] /= norm;
  return out;
}

export async function orbKeypoints(picture: Image, maxFeatures: number): Promise<Keypoints> {
  const cv = await openCv();
  const rgb = cv.matFromArray(picture.height, picture.width, cv.CV_8UC3, picture.data);
  const gray = new cv.Mat();
  const orb = new cv.ORB(maxFeatures);
  const found = new cv.KeyPointVector();
  const descriptors = new cv.Mat();
  const noMask = new cv.Mat();
  try {
    cv.cvtColor(rgb, gray, cv.COLOR_RGB2GRAY);
    orb.detectAndCompute(gray, noMask, found, descriptors);
    const count = found.size();
    const points = new Float32Array(count * 6);
    for (let i = 0; i < count; i++) {
      const point = found.get(i);
      points.set([point.pt.x, point.pt.y, point.size, point.angle, point.response, point.octave], i * 6);
    }
    const descriptorBytes = count ? descriptors.cols : 32;
    return { width: picture.width, height: picture.height, points, descriptors: new Uint8Array(descriptors.data), count, descriptorBytes };
  } finally {
    rgb.delete();
    gray.delete();
    orb.delete();
    found.delete();
    descriptors.delete();
    noMask.delete();
  }
}
