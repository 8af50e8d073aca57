/**
 * npx tsx lib/eval/make-sprites.ts [lookDir]: cuts the people of the shared stills out with the
 * project's own models and writes lib/eval/sprites.json, which the synthetic clips
 * (./synthetic.ts) read, so making a clip needs no worker. For each still the worker's
 * detector finds the person; the person segmenter (task "mask") runs on that box padded by 15%
 * (as the reframer does, lib/reframer/masks.ts) and its mask is cut to the box; GrabCut seeded
 * with the box is the fallback when the segmenter's mask is implausible. Only the largest
 * connected part of the mask is kept (a neighbouring dog is not the person). The json holds,
 * per sprite, the still's name, the crop and the crop's mask as the contract's RLE. With
 * lookDir, each sprite is also written there as an RGBA PNG to look at.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";
import { startLocalWorker } from "@/lib/inference/local-worker";
import { analyzeImages } from "@/lib/inference/worker-client";
import { decodeImage } from "@/lib/media/frames";
import { cropRgb, encodePpm } from "@/lib/media/ppm";
import { SHARED_MEDIA_DIR } from "@/lib/media/test-media";
import { grabCut, placeCrop, plausible, type RegionMask } from "@/lib/reframer/masks";
import { decodeRle, encodeRegionRle } from "@/lib/reframer/rle";
import { cutOut, writePng, type Rect } from "./raster";
import { SPRITES_FILE, type SpriteFile } from "./sprites";

/** The stills with a whole person in them; the detector's best-scoring person of each is cut out. */
const STILLS = [
  { name: "blue-jacket", still: "person.jpg" },
  { name: "footballer", still: "messi5.jpg" },
];

async function main(): Promise<void> {
  const lookDir = process.argv[2];
  const workDir = path.join(env().dataDir, "tmp", `eval-sprites-${process.pid}`);
  await mkdir(workDir, { recursive: true });
  const worker = startLocalWorker();
  try {
    const file: SpriteFile = { sprites: [] };
    for (const { name, still } of STILLS) {
      const image = await decodeImage(path.join(SHARED_MEDIA_DIR, still));
      const full = path.join(workDir, `${name}.ppm`);
      await writeFile(full, encodePpm(image));
      let person: { box: Rect; score: number } | undefined;
      for await (const line of analyzeImages([full], ["detect"])) {
        for (const detection of line.detections) {
          if (detection.class === "person" && (!person || detection.confidence > person.score)) person = { box: detection.bbox, score: detection.confidence };
        }
      }
      if (!person) throw new Error(`no person found in ${still}`);
      const crop = padded(person.box, image, 0.15);
      const cropFile = path.join(workDir, `${name}-crop.ppm`);
      await writeFile(cropFile, encodePpm(cropRgb(image, crop)));
      let mask: RegionMask | undefined;
      let method = "segmenter";
      for await (const line of analyzeImages([cropFile], ["mask"])) {
        const found = line.masks?.[0];
        if (found && found.mask_area_pixels > 0) mask = placeCrop(decodeRle(found.mask_rle), crop, person.box, image);
      }
      if (!mask || !plausible(mask, person.box)) {
        method = "grabcut";
        mask = await grabCut(image, person.box);
      }
      if (!mask) throw new Error(`no mask for the person in ${still}`);
      const kept = largestPart(mask);
      const box = bitsBounds(kept.bits, kept.region);
      const bits = new Uint8Array(box.width * box.height);
      for (let y = 0; y < box.height; y++) {
        for (let x = 0; x < box.width; x++) bits[y * box.width + x] = kept.bits[(box.y - kept.region.y + y) * kept.region.width + box.x - kept.region.x + x];
      }
      file.sprites.push({ name, still, crop: box, mask_rle: encodeRegionRle(bits, { x: 0, y: 0, width: box.width, height: box.height }, box.width, box.height), method, detector_score: round(person.score) });
      console.log(`${name}: ${still} person ${JSON.stringify(person.box)} score ${person.score.toFixed(3)}, ${method} mask, sprite ${box.width}x${box.height}`);
      if (lookDir) {
        await mkdir(lookDir, { recursive: true });
        await writePng(path.join(lookDir, `sprite-${name}.png`), cutOut(image, box, bits));
      }
    }
    await writeFile(SPRITES_FILE, `${JSON.stringify(file, null, 2)}\n`);
    console.log(`wrote ${SPRITES_FILE}`);
  } finally {
    await worker.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

function padded(box: Rect, frame: { width: number; height: number }, pad: number): Rect {
  const x0 = Math.max(0, Math.floor(box.x - box.width * pad));
  const y0 = Math.max(0, Math.floor(box.y - box.height * pad));
  const x1 = Math.min(frame.width, Math.ceil(box.x + box.width * (1 + pad)));
  const y1 = Math.min(frame.height, Math.ceil(box.y + box.height * (1 + pad)));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The mask's largest 4-connected part. */
function largestPart(mask: RegionMask): RegionMask {
  const { width, height } = mask.region;
  const label = new Int32Array(width * height);
  let best = 0;
  let bestSize = 0;
  let next = 0;
  const stack: number[] = [];
  for (let start = 0; start < label.length; start++) {
    if (!mask.bits[start] || label[start]) continue;
    next++;
    let size = 0;
    label[start] = next;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      size++;
      const x = i % width;
      const neighbours = [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i - width, i + width];
      for (const n of neighbours) {
        if (n >= 0 && n < label.length && mask.bits[n] && !label[n]) {
          label[n] = next;
          stack.push(n);
        }
      }
    }
    if (size > bestSize) {
      bestSize = size;
      best = next;
    }
  }
  const bits = new Uint8Array(width * height);
  for (let i = 0; i < bits.length; i++) bits[i] = label[i] === best ? 1 : 0;
  return { region: mask.region, bits };
}

/** The bounding box, in frame pixels, of the set bits of a region. */
function bitsBounds(bits: Uint8Array, region: Rect): Rect {
  let x0 = region.width;
  let y0 = region.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < region.height; y++) {
    for (let x = 0; x < region.width; x++) {
      if (!bits[y * region.width + x]) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return { x: region.x + x0, y: region.y + y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

const round = (value: number) => Math.round(value * 1000) / 1000;

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
