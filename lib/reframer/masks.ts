import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { analyzeImages } from "@/lib/analysis/worker-client";
import { ffmpegInput, runFfmpeg } from "@/lib/media/ffmpeg";
import { decodeRle, encodeRle, maskArea } from "./rle";
import { openCv } from "@/lib/media/opencv";
import { cropRgb, encodePpm } from "@/lib/media/ppm";

/**
 * Masks of tracked objects (README "Video Reframer", "segmentation_masks"). For one sampled
 * frame, as RGB: each person's crop (the box padded by 15%) is copied out and written as a
 * binary PPM, which the worker reads without ffmpeg; the worker's person segmenter (task
 * `mask`) runs on each crop, and its mask, cut to the box, is placed in the frame. Products,
 * and people the segmenter leaves empty, get GrabCut (OpenCV) seeded with the box, on a copy at
 * most 200 pixels on its long side. Every mask is an RLE over the whole frame; one that fills
 * less than 5% or more than 98% of its box is dropped (never the rectangle itself).
 * The job decodes all its mask frames in one ffmpeg stream (masksForImage per frame);
 * masksForFrame cuts one frame by itself.
 */
export type MaskObject = { trackId: number; label: string; kind: "person" | "product"; box: { x: number; y: number; width: number; height: number } };
export type MadeMask = { trackId: number; kind: "person" | "product"; rle: string; area: number; colour: string | null; method: "segmenter" | "grabcut" };

type Rgb = { width: number; height: number; data: Buffer };

export async function masksForFrame(file: string, timestamp: number, frame: { width: number; height: number }, objects: MaskObject[], workDir: string): Promise<MadeMask[]> {
  if (objects.length === 0) return [];
  await mkdir(workDir, { recursive: true });
  const full = path.join(workDir, "frame.ppm");
  try {
    await runFfmpeg((command) => {
      // No -ss at 0: on a still image (the feature job's frame JPEGs) even -ss 0 yields no frame.
      command.input(ffmpegInput(file)).inputOptions(timestamp > 0 ? ["-ss", timestamp.toFixed(3)] : []);
      command.output(full).outputOptions(["-vf", `scale=${frame.width}:${frame.height}`, "-frames:v", "1", "-pix_fmt", "rgb24"]);
    });
    return await masksForImage(parsePpm(await readFile(full)), objects, workDir);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The masks of one frame's objects; crops go through `workDir` (left for the caller to remove). */
export async function masksForImage(image: Rgb, objects: MaskObject[], workDir: string): Promise<MadeMask[]> {
  if (objects.length === 0) return [];
  await mkdir(workDir, { recursive: true });
  const people = objects.map((object, i) => ({ object, i, crop: padded(object.box, image, 0.15) })).filter(({ object }) => object.kind === "person");
  const outputs = people.map(({ i }) => path.join(workDir, `crop-${i}.ppm`));
  await Promise.all(people.map(({ crop }, k) => writeFile(outputs[k], encodePpm(cropRgb(image, crop)))));
  const segmented = new Map<number, Uint8Array>();
  if (outputs.length) {
    for await (const line of analyzeImages(outputs, ["mask"])) {
      const k = outputs.indexOf(line.path);
      const mask = line.masks?.[0];
      if (k < 0 || !mask || mask.mask_area_pixels === 0) continue;
      const { crop, i } = people[k];
      segmented.set(i, placeCrop(decodeRle(mask.mask_rle), crop, objects[i].box, image));
    }
  }
  const made: MadeMask[] = [];
  for (const [i, object] of objects.entries()) {
    let method: MadeMask["method"] = "segmenter";
    let mask = segmented.get(i);
    if (!mask || !plausible(mask, object.box, image.width)) {
      method = "grabcut";
      mask = await grabCut(image, object.box);
    }
    if (!mask || !plausible(mask, object.box, image.width)) continue;
    made.push({ trackId: object.trackId, kind: object.kind, rle: encodeRle(mask), area: maskArea(mask), colour: dominantColour(image, mask), method });
  }
  return made;
}

function padded(box: MaskObject["box"], frame: { width: number; height: number }, pad: number) {
  const x0 = Math.max(0, Math.floor(box.x - box.width * pad));
  const y0 = Math.max(0, Math.floor(box.y - box.height * pad));
  const x1 = Math.min(frame.width, Math.ceil(box.x + box.width * (1 + pad)));
  const y1 = Math.min(frame.height, Math.ceil(box.y + box.height * (1 + pad)));
  return { x: x0, y: y0, width: Math.max(2, x1 - x0), height: Math.max(2, y1 - y0) };
}

/** A crop's mask in frame coordinates, kept inside the object's box. */
export function placeCrop(cropMask: Uint8Array, crop: { x: number; y: number; width: number; height: number }, box: MaskObject["box"], frame: { width: number; height: number }): Uint8Array {
  const mask = new Uint8Array(frame.width * frame.height);
  const x0 = Math.max(box.x, crop.x);
  const y0 = Math.max(box.y, crop.y);
  const x1 = Math.min(box.x + box.width, crop.x + crop.width, frame.width);
  const y1 = Math.min(box.y + box.height, crop.y + crop.height, frame.height);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      if (cropMask[(y - crop.y) * crop.width + (x - crop.x)]) mask[y * frame.width + x] = 1;
    }
  }
  return mask;
}

/** Inside its box and neither a speck nor the box itself. */
export function plausible(mask: Uint8Array, box: MaskObject["box"], width: number): boolean {
  let inside = 0;
  let total = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    total++;
    const x = i % width;
    const y = (i - x) / width;
    if (x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height) inside++;
  }
  const boxArea = box.width * box.height;
  return total > 0 && inside === total && total >= 0.05 * boxArea && total <= 0.98 * boxArea;
}

export function parsePpm(buffer: Buffer): Rgb {
  // P6 <width> <height> <max>\n, then width x height x 3 bytes.
  let offset = 0;
  const fields: string[] = [];
  while (fields.length < 4) {
    while (/\s/.test(String.fromCharCode(buffer[offset]))) offset++;
    let token = "";
    while (!/\s/.test(String.fromCharCode(buffer[offset]))) token += String.fromCharCode(buffer[offset++]);
    fields.push(token);
  }
  offset++;
  if (fields[0] !== "P6") throw new Error("not a binary PPM");
  const width = Number(fields[1]);
  const height = Number(fields[2]);
  return { width, height, data: buffer.subarray(offset, offset + width * height * 3) };
}

type Cv = {
  Mat: new (...args: unknown[]) => CvMat;
  matFromArray: (rows: number, cols: number, type: number, data: ArrayLike<number>) => CvMat;
  Rect: new (x: number, y: number, w: number, h: number) => unknown;
  Size: new (w: number, h: number) => unknown;
  grabCut: (...args: unknown[]) => void;
  resize: (...args: unknown[]) => void;
  CV_8UC3: number;
  GC_INIT_WITH_RECT: number;
  INTER_AREA: number;
};
type CvMat = { data: Uint8Array; rows: number; cols: number; delete: () => void };

/** GrabCut seeded with the box (5 iterations) on the box padded by 20%, scaled to 200 px. */
export async function grabCut(image: Rgb, box: MaskObject["box"]): Promise<Uint8Array | undefined> {
  if (box.width < 8 || box.height < 8) return undefined;
  const cv = (await openCv()) as Cv;
  const roi = padded(box, image, 0.2);
  const scale = Math.min(1, 200 / Math.max(roi.width, roi.height));
  const w = Math.max(8, Math.round(roi.width * scale));
  const h = Math.max(8, Math.round(roi.height * scale));
  // Nearest-neighbour downscale by hand: the ROI is small, and it keeps the code plain.
  const pixels = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(image.height - 1, roi.y + Math.floor(y / scale));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(image.width - 1, roi.x + Math.floor(x / scale));
      const s = (sy * image.width + sx) * 3;
      const d = (y * w + x) * 3;
      pixels[d] = image.data[s];
      pixels[d + 1] = image.data[s + 1];
      pixels[d + 2] = image.data[s + 2];
    }
  }
  const img = cv.matFromArray(h, w, cv.CV_8UC3, pixels);
  const mask = new cv.Mat();
  const bgd = new cv.Mat();
  const fgd = new cv.Mat();
  try {
    const rx = Math.max(1, Math.round((box.x - roi.x) * scale));
    const ry = Math.max(1, Math.round((box.y - roi.y) * scale));
    const rw = Math.min(w - rx - 1, Math.round(box.width * scale));
    const rh = Math.min(h - ry - 1, Math.round(box.height * scale));
    if (rw < 4 || rh < 4) return undefined;
    cv.grabCut(img, mask, new cv.Rect(rx, ry, rw, rh), bgd, fgd, 5, cv.GC_INIT_WITH_RECT);
    const small = mask.data;
    const out = new Uint8Array(image.width * image.height);
    for (let y = box.y; y < box.y + box.height && y < image.height; y++) {
      const my = Math.min(h - 1, Math.floor((y - roi.y) * scale));
      for (let x = box.x; x < box.x + box.width && x < image.width; x++) {
        const mx = Math.min(w - 1, Math.floor((x - roi.x) * scale));
        const value = small[my * w + mx];
        if (value === 1 || value === 3) out[y * image.width + x] = 1; // GC_FGD or GC_PR_FGD
      }
    }
    return out;
  } finally {
    img.delete();
    mask.delete();
    bgd.delete();
    fgd.delete();
  }
}

const palette: [string, number, number, number][] = [
  ["black", 20, 20, 20], ["white", 235, 235, 235], ["grey", 128, 128, 128], ["red", 200, 30, 30], ["orange", 230, 130, 30],
  ["yellow", 230, 210, 40], ["green", 40, 150, 60], ["blue", 40, 70, 200], ["purple", 130, 50, 160], ["pink", 230, 130, 170],
  ["brown", 120, 75, 40], ["beige", 210, 190, 150], ["navy", 25, 35, 90],
];

/** The palette name nearest the mask's mean colour. */
export function dominantColour(image: Rgb, mask: Uint8Array): string | null {
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    r += image.data[i * 3];
    g += image.data[i * 3 + 1];
    b += image.data[i * 3 + 2];
    n++;
  }
  if (n === 0) return null;
  r /= n;
  g /= n;
  b /= n;
  return palette.reduce((best, colour) => (dist(colour, r, g, b) < dist(best, r, g, b) ? colour : best))[0];
}

function dist([, pr, pg, pb]: [string, number, number, number], r: number, g: number, b: number): number {
  return (pr - r) ** 2 + (pg - g) ** 2 + (pb - b) ** 2;
}
