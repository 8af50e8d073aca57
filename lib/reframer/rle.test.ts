import { describe, expect, it } from "vitest";
import { contractDecodeRle as contractDecode } from "./contract-rle";
import { decodeRle, encodeRle, maskArea } from "./rle";

describe("RLE", () => {
  it("round-trips a mask and starts with zeros", () => {
    const width = 37;
    const height = 23;
    const mask = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((x - 18) ** 2 + (y - 11) ** 2 < 64) mask[y * width + x] = 1;
    const rle = encodeRle(mask);
    expect(decodeRle(rle)).toEqual(mask);
    expect(rle.split(",").map(Number).reduce((a, b) => a + b, 0)).toBe(width * height);
    // The contract's decoder marks zeros true: its false values are the mask's ones.
    const decoded = contractDecode(rle);
    expect(decoded.length).toBe(width * height);
    expect(decoded.filter((zero) => !zero).length).toBe(maskArea(mask));
  });

  it("writes a leading 0 when the first pixel is set", () => {
    expect(encodeRle(Uint8Array.from([1, 1, 0, 1]))).toBe("0,2,1,1");
    expect(encodeRle(Uint8Array.from([0, 0, 0]))).toBe("3");
    expect(decodeRle("3,5,10,2").length).toBe(20);
    expect(maskArea(decodeRle("3,5,10,2"))).toBe(7);
  });
});
