import path from "node:path";
import { writeFile } from "node:fs/promises";
import type { FrameObject } from "@/lib/db/schema";
import { masksForFrame, type MaskObject } from "@/lib/reframer/masks";
import { decodeRle } from "@/lib/reframer/rle";
import type { DetectorView } from "./cnn";
import { encodeGrayPng } from "./png";

/**
 * The segment feature of a video frame: a mask per object the detector found, made as the
 * reframer makes its masks (lib/reframer/masks.ts: people by the person segmenter, everything
 * else by GrabCut seeded with the box), at most MAX_OBJECTS objects scoring at least
 * MIN_CONFIDENCE. Files, 8-bit grayscale PNGs at the frame's size, 255 = object:
 *   `<base>.obj-<k>.png`  object k's mask (k from 0, in the order of `objects`)
 *   `<base>.seg.png`      their union (seg_mask_path; all zero when the frame has no object)
 */
export const MAX_OBJECTS = 6;
export const MIN_CONFIDENCE = 0.3;

export async function frameObjectMasks(input: { file: string; mediaDir: string; base: string; view: DetectorView }): Promise<{ segMaskPath: string; objects: FrameObject[] }> {
  const { width, height, detections } = input.view;
  const chosen = detections
    .filter((detection) => detection.confidence >= MIN_CONFIDENCE)
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, MAX_OBJECTS);
  const objects: MaskObject[] = chosen.map((detection, i) => ({ trackId: i, label: detection.class, kind: detection.class === "person" ? "person" : "product", box: detection.bbox }));
  const workDir = path.join(input.mediaDir, `${input.base}.work`);
  const made = await masksForFrame(input.file, 0, { width, height }, objects, workDir);
  const union = new Uint8Array(width * height);
  const out: FrameObject[] = [];
  for (const mask of made) {
    const bits = decodeRle(mask.rle);
    const pixels = new Uint8Array(width * height);
    for (let i = 0; i < pixels.length; i++) {
      if (!bits[i]) continue;
      pixels[i] = 255;
      union[i] = 255;
    }
    const maskPath = `${input.base}.obj-${out.length}.png`;
    await writeFile(path.join(input.mediaDir, maskPath), encodeGrayPng(width, height, pixels));
    const detection = chosen[mask.trackId];
    out.push({ label: detection.class, confidence: Math.round(detection.confidence * 1000) / 1000, box: detection.bbox, method: mask.method, mask_path: maskPath, area: mask.area });
  }
  const segMaskPath = `${input.base}.seg.png`;
  await writeFile(path.join(input.mediaDir, segMaskPath), encodeGrayPng(width, height, union));
  return { segMaskPath, objects: out };
}
