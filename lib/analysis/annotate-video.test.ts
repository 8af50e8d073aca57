import { describe, expect, it } from "vitest";
import { drawBox } from "./annotate-video";
import { trackColour } from "./viewer/overlay";

const pixel = (frame: Buffer, width: number, x: number, y: number) => [...frame.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)];

describe("drawBox", () => {
  it("outlines the box in its track's colour and leaves the inside alone", () => {
    const width = 100;
    const height = 80;
    const frame = Buffer.alloc(width * height * 3, 20);
    drawBox(frame, width, height, { label: "person", trackId: 5, confidence: 0.9, x: 30, y: 30, width: 40, height: 40 });
    const colour = trackColour(5);
    expect(pixel(frame, width, 31, 50)).toEqual(colour);
    expect(pixel(frame, width, 69, 50)).toEqual(colour);
    expect(pixel(frame, width, 50, 69)).toEqual(colour);
    expect(pixel(frame, width, 50, 50)).toEqual([20, 20, 20]);
    expect(pixel(frame, width, 29, 50)).toEqual([20, 20, 20]);
    // The id tag sits above the box: coloured, with black digit pixels in it.
    const tag = Array.from({ length: 12 }, (_, dy) => Array.from({ length: 10 }, (_, dx) => pixel(frame, width, 30 + dx, 18 + dy))).flat();
    expect(tag.some((p) => p.join() === "0,0,0")).toBe(true);
    expect(tag.some((p) => p.join() === colour.join())).toBe(true);
  });
  it("clips a box that runs off the frame", () => {
    const frame = Buffer.alloc(20 * 10 * 3, 0);
    expect(() => drawBox(frame, 20, 10, { label: "car", trackId: null, confidence: 1, x: -5, y: -5, width: 100, height: 100 })).not.toThrow();
    expect(frame.length).toBe(600);
    expect(pixel(frame, 20, 0, 5)).toEqual(trackColour(null));
  });
});
