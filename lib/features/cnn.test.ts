import { describe, expect, it } from "vitest";
import { joinEmbeddings, maskedCrop } from "./cnn";
import { cosine } from "./vectors";

describe("detector embedding helpers", () => {
  it("cuts the picture to its mask's box and paints the rest grey", () => {
    // 100x50, a red 20x10 block at (40, 20) is the mask.
    const width = 100;
    const height = 50;
    const data = Buffer.alloc(width * height * 3, 30);
    const mask = new Uint8Array(width * height);
    for (let y = 20; y < 30; y++) {
      for (let x = 40; x < 60; x++) {
        mask[y * width + x] = 255;
        data.set([220, 10, 10], (y * width + x) * 3);
      }
    }
    mask[0] = 0;
    const crop = maskedCrop({ width, height, data }, mask);
    // 20x10 padded by 4% each side (1 and 0 pixels, rounded).
    expect(crop.width).toBe(22);
    expect(crop.height).toBe(10);
    expect([...crop.data.subarray(0, 3)]).toEqual([128, 128, 128]);
    expect([...crop.data.subarray((0 * 22 + 1) * 3, (0 * 22 + 1) * 3 + 3)]).toEqual([220, 10, 10]);
  });

  it("keeps the whole picture when the mask is (nearly) empty", () => {
    const picture = { width: 10, height: 10, data: Buffer.alloc(300, 5) };
    expect(maskedCrop(picture, new Uint8Array(100))).toBe(picture);
    expect(maskedCrop(picture, null)).toBe(picture);
  });

  it("joins two unit vectors so the dot product is the weighted sum of cosines", () => {
    const unit = (values: number[]) => values.map((value) => value / Math.hypot(...values));
    const a1 = unit([1, 2, 3]);
    const a2 = unit([3, 1, 0]);
    const b1 = unit([0.5, -1, 2, 1]);
    const b2 = unit([1, 1, 1, 1]);
    const joined = cosine(joinEmbeddings(a1, b1, 0.25), joinEmbeddings(a2, b2, 0.25));
    expect(joined).toBeCloseTo(0.25 * cosine(a1, a2) + 0.75 * cosine(b1, b2), 5);
    expect(Math.hypot(...joinEmbeddings(a1, b1, 0.25))).toBeCloseTo(1, 5);
  });
});
