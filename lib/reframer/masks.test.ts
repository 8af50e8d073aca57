import { describe, expect, it } from "vitest";
import { dominantColour, grabCut, placeCrop, plausible } from "./masks";
import { decodeRle, encodeRegionRle } from "./rle";

const frame = { width: 40, height: 30 };

describe("region masks", () => {
  it("places a crop's mask over its box only, clipped to the frame", () => {
    const box = { x: 30, y: 20, width: 15, height: 15 }; // runs off the right and bottom edges
    const crop = { x: 28, y: 18, width: 12, height: 12 };
    const mask = placeCrop(new Uint8Array(crop.width * crop.height).fill(1), crop, box, frame);
    expect(mask.region).toEqual({ x: 30, y: 20, width: 10, height: 10 });
    expect(mask.bits.every((bit) => bit === 1)).toBe(true);
    // Nothing outside the box: the crop's first two rows and columns were dropped.
    const whole = decodeRle(encodeRegionRle(mask.bits, mask.region, frame.width, frame.height));
    for (let y = 0; y < frame.height; y++) for (let x = 0; x < frame.width; x++) expect(whole[y * frame.width + x]).toBe(x >= 30 && y >= 20 ? 1 : 0);
  });

  it("is plausible neither as a speck nor as the whole box", () => {
    const box = { x: 5, y: 5, width: 10, height: 10 };
    const region = { x: 5, y: 5, width: 10, height: 10 };
    const withArea = (area: number) => ({ region, bits: Uint8Array.from({ length: 100 }, (_, i) => (i < area ? 1 : 0)) });
    expect(plausible(withArea(0), box)).toBe(false);
    expect(plausible(withArea(4), box)).toBe(false);
    expect(plausible(withArea(50), box)).toBe(true);
    expect(plausible(withArea(100), box)).toBe(false);
  });

  it("colours a mask from the frame pixels under it; GrabCut cuts a red square out of grey", async () => {
    const image = { ...frame, data: Buffer.alloc(frame.width * frame.height * 3, 128) };
    for (let y = 10; y < 20; y++) for (let x = 15; x < 25; x++) image.data.set([200, 30, 30], (y * frame.width + x) * 3);
    const box = { x: 12, y: 7, width: 16, height: 16 };
    const mask = await grabCut(image, box);
    expect(mask).toBeDefined();
    expect(mask!.region).toEqual({ x: 12, y: 7, width: 16, height: 16 });
    expect(plausible(mask!, box)).toBe(true);
    expect(dominantColour(image, mask!)).toBe("red");
    // The cut holds the square's centre and leaves the box's grey corner.
    expect(mask!.bits[(15 - 7) * 16 + (20 - 12)]).toBe(1);
    expect(mask!.bits[0]).toBe(0);
  });
});
