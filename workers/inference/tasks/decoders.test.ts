import { describe, expect, it } from "vitest";
import { mapOrdered } from "../pipeline";
import { decodeDetections } from "./detect";
import { nms, sampleRect, raw } from "./image";
import { decodeRle, encodeMask } from "./mask";
import { ctcGreedy, parseKeys, textBoxes } from "./ocr";
import { decodePose } from "./pose";

/** The JS decoders on hand-built model outputs whose right answer is known. */
describe("CenterNet decoding", () => {
  it("turns one peak into one box in source pixels and ignores its lower neighbours", () => {
    const heat = new Float32Array(128 * 128 * 80);
    const wh = new Float32Array(128 * 128 * 4);
    const at = (x: number, y: number) => y * 128 + x;
    heat[at(64, 32) * 80 + 16] = 0.9; // a dog at cell (64, 32)
    heat[at(65, 32) * 80 + 16] = 0.8; // not a peak: its neighbour is higher
    wh.set([20, 10, 30, 40], at(64, 32) * 4);
    const [dog, ...rest] = decodeDetections(heat, wh, 1024, 256, { score: 0.3, iou: 0.4 });
    expect(rest).toEqual([]);
    expect(dog.class).toBe("dog");
    // 512-space box (236, 118, 286, 168) scaled by (2, 0.5).
    expect(dog.box).toEqual({ x1: 472, y1: 59, x2: 572, y2: 84 });
  });

  it("suppresses overlapping boxes across classes", () => {
    const box = { x1: 0, y1: 0, x2: 10, y2: 10 };
    const kept = nms(
      [
        { box, score: 0.5, name: "sheep" },
        { box: { ...box, x2: 11 }, score: 0.6, name: "horse" },
        { box: { x1: 20, y1: 20, x2: 30, y2: 30 }, score: 0.4, name: "dog" },
      ],
      0.4,
    );
    expect(kept.map((item) => item.name)).toEqual(["horse", "dog"]);
  });
});

describe("MoveNet decoding", () => {
  it("follows the centre's regression to the nearest heatmap peak", () => {
    const grid = 48;
    const heat = new Float32Array(grid * grid * 17);
    const centre = new Float32Array(grid * grid);
    const regress = new Float32Array(grid * grid * 34);
    const offset = new Float32Array(grid * grid * 34);
    centre[24 * grid + 24] = 1;
    // Keypoint 0 regresses to (y 10, x 30); peaks there and, weaker and far away, at (40, 5).
    regress[(24 * grid + 24) * 34] = -14;
    regress[(24 * grid + 24) * 34 + 1] = 6;
    heat[(10 * grid + 30) * 17] = 0.8;
    heat[(40 * grid + 5) * 17] = 0.9;
    offset[(10 * grid + 30) * 34] = 0.5;
    offset[(10 * grid + 30) * 34 + 1] = 0.25;
    const [nose] = decodePose(heat, centre, regress, offset, grid);
    expect(nose.y).toBeCloseTo(10.5 / grid, 6);
    expect(nose.x).toBeCloseTo(30.25 / grid, 6);
    expect(nose.score).toBeCloseTo(0.8, 6);
  });
});

describe("mask RLE", () => {
  it("starts with a zero run when the first pixel is foreground and round-trips", () => {
    const probability = Float32Array.from([0.9, 0.1, 0.1, 0.9]); // 2x2 map
    const { rle, area } = encodeMask(probability, 2, 2, 2, 2, 0.5);
    expect(rle).toBe("0,1,2,1");
    expect(area).toBe(2);
    expect(Array.from(decodeRle(rle))).toEqual([1, 0, 0, 1]);
  });

  it("covers every pixel of an upscaled frame", () => {
    const probability = new Float32Array(16 * 16).map((_, i) => (i % 16 < 8 ? 0 : 1));
    const { rle, area } = encodeMask(probability, 16, 16, 64, 48, 0.5);
    const mask = decodeRle(rle);
    expect(mask.length).toBe(64 * 48);
    expect(area).toBe(mask.reduce((sum, bit) => sum + bit, 0));
    expect(area).toBe(32 * 48);
  });
});

describe("OCR decoding", () => {
  it("greedy CTC drops blanks and repeats and maps the last class to a space", () => {
    const keys = parseKeys("A\nB\nC");
    const steps = [1, 1, 0, 1, 2, 4, 3];
    const probabilities = new Float32Array(steps.length * 5);
    steps.forEach((c, t) => (probabilities[t * 5 + c] = 1));
    expect(ctcGreedy(probabilities, steps.length, 5, keys)).toEqual({ text: "AAB C", confidence: 1 });
  });

  it("boxes a text component and skips specks", () => {
    const width = 64;
    const height = 32;
    const probability = new Float32Array(width * height);
    for (let y = 10; y < 16; y++) for (let x = 8; x < 40; x++) probability[y * width + x] = 0.9;
    probability[2 * width + 60] = 0.95; // one pixel: under the 20-pixel minimum
    const boxes = textBoxes(probability, width, height);
    expect(boxes).toHaveLength(1);
    const grow = (1.5 * 32 * 6) / (2 * 38);
    expect(boxes[0]).toEqual({ x1: 8 - grow, y1: 10 - grow, x2: 40 + grow, y2: 16 + grow });
  });
});

describe("sampling and the pipeline", () => {
  it("reads outside the image as black and stretches without shifting", () => {
    const image = { width: 2, height: 1, data: Uint8Array.from([10, 20, 30, 40, 50, 60]) };
    const padded = sampleRect(image, { x: 0, y: 0, width: 2, height: 2 }, 2, 2, raw);
    expect(Array.from(padded)).toEqual([10, 20, 30, 40, 50, 60, 0, 0, 0, 0, 0, 0]);
  });

  it("keeps source order with bounded work in flight", async () => {
    let running = 0;
    let peak = 0;
    async function* source() {
      for (let i = 0; i < 8; i++) yield i;
    }
    const results: number[] = [];
    for await (const value of mapOrdered(source(), 3, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, (8 - i) * 3));
      running--;
      return i * 10;
    })) {
      results.push(value);
    }
    expect(results).toEqual([0, 10, 20, 30, 40, 50, 60, 70]);
    expect(peak).toBe(3);
  });
});
