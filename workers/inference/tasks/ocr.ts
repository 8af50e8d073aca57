import { runModel, type LoadedModel } from "../models/sessions";
import { clampBox, sampleRect, type Box, type PixelTransform, type Rgb } from "./image";

/**
 * PP-OCRv4: the detector's text-probability map is split into 4-connected components, each
 * becomes an axis-aligned box, and the recogniser reads each box with greedy CTC decoding over
 * ppocr_keys_v1.txt (notes/models.md).
 */
const MAX_SIDE = 960;
const REC_HEIGHT = 48;
const MAX_BOXES = 50;
const MIN_PIXELS = 20;
const MIN_MEAN = 0.6;
const PIXEL_THRESHOLD = 0.3;

const detTransform: PixelTransform = {
  scale: [1 / (255 * 0.229), 1 / (255 * 0.224), 1 / (255 * 0.225)],
  offset: [-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225],
  layout: "nchw",
};
const recTransform: PixelTransform = { scale: [2 / 255, 2 / 255, 2 / 255], offset: [-1, -1, -1], layout: "nchw" };

export type TextLine = { box: Box; text: string; confidence: number };

export async function runOcr(
  det: LoadedModel,
  rec: LoadedModel,
  keys: string[],
  image: Rgb,
  threshold: number,
): Promise<TextLine[]> {
  const s = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
  const dw = Math.max(32, Math.round((image.width * s) / 32) * 32);
  const dh = Math.max(32, Math.round((image.height * s) / 32) * 32);
  const input = sampleRect(image, { x: 0, y: 0, width: image.width, height: image.height }, dw, dh, detTransform);
  const probability = (await runModel(det, input, [1, 3, dh, dw]))["sigmoid_0.tmp_0"].data;
  const boxes = textBoxes(probability, dw, dh)
    .map((box) =>
      clampBox(
        { x1: (box.x1 * image.width) / dw, y1: (box.y1 * image.height) / dh, x2: (box.x2 * image.width) / dw, y2: (box.y2 * image.height) / dh },
        image.width,
        image.height,
      ),
    )
    .filter((box) => box.x2 - box.x1 >= 2 && box.y2 - box.y1 >= 2)
    .sort((a, b) => a.y1 - b.y1 || a.x1 - b.x1)
    .slice(0, MAX_BOXES);

  const lines: TextLine[] = [];
  for (const box of boxes) {
    const bw = box.x2 - box.x1;
    const bh = box.y2 - box.y1;
    const width = Math.min(960, Math.max(16, Math.round((REC_HEIGHT * bw) / bh / 8) * 8));
    const crop = sampleRect(image, { x: box.x1, y: box.y1, width: bw, height: bh }, width, REC_HEIGHT, recTransform);
    const out = (await runModel(rec, crop, [1, 3, REC_HEIGHT, width]))["softmax_11.tmp_0"];
    const { text, confidence } = ctcGreedy(out.data, out.dims[1], out.dims[2], keys);
    if (text.trim() && confidence >= threshold) lines.push({ box, text, confidence });
  }
  return lines;
}

/** Boxes, in probability-map pixels, of the text components (4-connected, p > 0.3). */
export function textBoxes(probability: Float32Array, width: number, height: number): Box[] {
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  const boxes: Box[] = [];
  for (let start = 0; start < probability.length; start++) {
    if (seen[start] || probability[start] <= PIXEL_THRESHOLD) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let count = 0;
    let sum = 0;
    let [minX, minY, maxX, maxY] = [width, height, -1, -1];
    while (top > 0) {
      const index = stack[--top];
      const x = index % width;
      const y = (index - x) / width;
      count++;
      sum += probability[index];
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
      const neighbours = [x > 0 ? index - 1 : -1, x < width - 1 ? index + 1 : -1, y > 0 ? index - width : -1, y < height - 1 ? index + width : -1];
      for (const next of neighbours) {
        if (next >= 0 && !seen[next] && probability[next] > PIXEL_THRESHOLD) {
          seen[next] = 1;
          stack[top++] = next;
        }
      }
    }
    if (count < MIN_PIXELS || sum / count < MIN_MEAN) continue;
    // The detector predicts shrunken text kernels: grow each side like PP-OCR's unclip.
    const w = maxX + 1 - minX;
    const h = maxY + 1 - minY;
    const grow = (1.5 * w * h) / (2 * (w + h));
    boxes.push({ x1: minX - grow, y1: minY - grow, x2: maxX + 1 + grow, y2: maxY + 1 + grow });
  }
  return boxes;
}

/** Argmax per step, drop blanks (0) and repeats; 1..N index the key lines, N+1 is a space. */
export function ctcGreedy(
  probabilities: Float32Array,
  steps: number,
  classes: number,
  keys: string[],
): { text: string; confidence: number } {
  let text = "";
  let previous = 0;
  let total = 0;
  let count = 0;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = -1;
    const row = t * classes;
    for (let c = 0; c < classes; c++) {
      if (probabilities[row + c] > bestP) [best, bestP] = [c, probabilities[row + c]];
    }
    if (best !== 0 && best !== previous) {
      text += best <= keys.length ? keys[best - 1] : " ";
      total += bestP;
      count++;
    }
    previous = best;
  }
  return { text, confidence: count ? total / count : 0 };
}

export function parseKeys(text: string): string[] {
  const lines = text.replace(/\r/g, "").split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}
