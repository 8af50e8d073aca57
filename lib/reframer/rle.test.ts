import { describe, expect, it } from "vitest";
import { contractDecodeRle as contractDecode } from "./contract-rle";
import { decodeRle, encodeRegionRle, maskArea, type Region } from "./rle";

/** The whole frame's bits as one region. */
const encodeRle = (mask: Uint8Array, width = mask.length, height = 1) => encodeRegionRle(mask, { x: 0, y: 0, width, height }, width, height);

/** The contract's RLE by its definition, pixel by pixel over the whole frame: the oracle. */
function wholeFrameRle(mask: Uint8Array): string {
  const runs: number[] = [];
  let current = 0;
  let length = 0;
  for (const value of mask) {
    const bit = value ? 1 : 0;
    if (bit !== current) {
      runs.push(length);
      current = bit;
      length = 0;
    }
    length++;
  }
  runs.push(length);
  return runs.join(",");
}

describe("RLE", () => {
  it("round-trips a mask and starts with zeros", () => {
    const width = 37;
    const height = 23;
    const mask = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((x - 18) ** 2 + (y - 11) ** 2 < 64) mask[y * width + x] = 1;
    const rle = encodeRle(mask, width, height);
    expect(rle).toBe(wholeFrameRle(mask));
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

  it("encodes a region's bits exactly as the whole frame would be encoded", () => {
    const width = 19;
    const height = 11;
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const regions: Region[] = [
      { x: 0, y: 0, width, height },
      { x: 0, y: 0, width: 3, height: 2 },
      { x: width - 4, y: height - 3, width: 4, height: 3 },
      { x: 5, y: 4, width: 1, height: 1 },
      { x: 2, y: 3, width: 0, height: 4 },
      ...Array.from({ length: 40 }, () => {
        const x = Math.floor(random() * width);
        const y = Math.floor(random() * height);
        return { x, y, width: 1 + Math.floor(random() * (width - x)), height: 1 + Math.floor(random() * (height - y)) };
      }),
    ];
    for (const region of regions) {
      for (const fill of [0, 0.5, 1]) {
        const bits = Uint8Array.from({ length: region.width * region.height }, () => (random() < fill ? 1 : 0));
        const frame = new Uint8Array(width * height);
        for (let y = 0; y < region.height; y++) for (let x = 0; x < region.width; x++) frame[(region.y + y) * width + region.x + x] = bits[y * region.width + x];
        expect(encodeRegionRle(bits, region, width, height), JSON.stringify({ region, fill })).toBe(wholeFrameRle(frame));
      }
    }
  });
});
