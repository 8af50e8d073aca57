import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { analyzeImages } from "@/lib/inference/worker-client";
import { ffmpegInput, runFfmpeg } from "@/lib/media/ffmpeg";
import { decodeRle, encodeRegionRle, maskArea, type Region } from "./rle";
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
 * A mask is kept as bits over its object's box only (RegionMask: nothing outside the box can be
 * set), so checking, encoding and colouring it costs the box, not the frame: on full-frame
 * arrays those passes took 9 ms a mask at 768x576, 4.9 s of a 520-mask job.
 * The job decodes all its mask frames in one ffmpeg stream (masksForImage per frame);
 * masksForFrame cuts one frame by itself.
 */
export type MaskObject = { trackId: number; label: string; kind: "person" | "product"; box: { x: number; y: number; width: number; height: number } };
export type MadeMask = { trackId: number; kind: "person" | "product"; rle: string; area: number; colour: string | null; method: "segmenter" | "grabcut" };

type Rgb = { width: number; height: number; data: Buffer };

/** A mask that is empty outside `region` (its object's box, clipped to the frame): bits row-major over the region. */
export type RegionMask = { region: Region; bits: Uint8Array };

/** The box clipped to the frame, in whole pixels. */
function clipBox(box: MaskObject["box"], frame: { width: number; height: number }): Region {
  const x = Math.max(0, Math.floor(box.x));
  const y = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(frame.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(frame.height, Math.ceil(box.y + box.height));
  return { x, y, width: Math.max(0, x1 - x), height: Math.max(0, y1 - y) };
}

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
  const segmented = new Map<number, RegionMask>();
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
    if (!mask || !plausible(mask, object.box)) {
      method = "grabcut";
      mask = await grabCut(image, object.box);
    }
    if (!mask || !plausible(mask, object.box)) continue;
    made.push({ trackId: object.trackId, kind: object.kind, rle: encodeRegionRle(mask.bits, mask.region, image.width, image.height), area: maskArea(mask.bits), colour: dominantColour(image, mask), method });
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

/** A crop's mask placed over its object's box (what lies outside the box is dropped). */
export function placeCrop(cropMask: Uint8Array, crop: Region, box: MaskObject["box"], frame: { width: number; height: number }): RegionMask {
  const region = clipBox(box, frame);
  const bits = new Uint8Array(region.width * region.height);
  const x0 = Math.max(region.x, crop.x);
  const y0 = Math.max(region.y, crop.y);
  const x1 = Math.min(region.x + region.width, crop.x + crop.width);
  const y1 = Math.min(region.y + region.height, crop.y + crop.height);
  for (let y = y0; y < y1; y++) {
    const from = (y - crop.y) * crop.width - crop.x;
    const to = (y - region.y) * region.width - region.x;
    for (let x = x0; x < x1; x++) bits[to + x] = cropMask[from + x] ? 1 : 0;
  }
  return { region, bits };
}

/** Neither a speck nor the box itself (a RegionMask cannot leave its box). */
export function plausible(mask: RegionMask, box: MaskObject["box"]): boolean {
  const total = maskArea(mask.bits);
  const boxArea = box.width * box.height;
  return total > 0 && total >= 0.05 * boxArea && total <= 0.98 * boxArea;
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
export async function grabCut(image: Rgb, box: MaskObject["box"]): Promise<RegionMask | undefined> {
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
    const region = clipBox(box, image);
    const bits = new Uint8Array(region.width * region.height);
    for (let y = 0; y < region.height; y++) {
      const my = Math.min(h - 1, Math.floor((region.y + y - roi.y) * scale));
      for (let x = 0; x < region.width; x++) {
        const mx = Math.min(w - 1, Math.floor((region.x + x - roi.x) * scale));
        const value = small[my * w + mx];
        if (value === 1 || value === 3) bits[y * region.width + x] = 1; // GC_FGD or GC_PR_FGD
      }
    }
    return { region, bits };
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
export function dominantColour(image: Rgb, { region, bits }: RegionMask): string | null {
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  for (let y = 0; y < region.height; y++) {
    for (let x = 0; x < region.width; x++) {
      if (!bits[y * region.width + x]) continue;
      const at = ((region.y + y) * image.width + region.x + x) * 3;
      r += image.data[at];
      g += image.data[at + 1];
      b += image.data[at + 2];
      n++;
    }
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
