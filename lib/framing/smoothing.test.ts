import { describe, expect, it } from "vitest";
import { cropPath, cropSize } from "./crop-path";
import { deadZone, fillGaps, jitter, resample, smoothCropPath } from "./smoothing";

describe("crop path smoothing", () => {
  it("holds perfectly still for a still subject with detector noise", () => {
    const centres = Array.from({ length: 50 }, (_, i) => 400 + ((i * 7919) % 13) - 6);
    const path = smoothCropPath(centres, { cropSize: 324, frameSize: 768 });
    expect(Math.max(...path) - Math.min(...path)).toBeLessThan(1e-9);
  });

  it("follows a walking subject with low jitter and keeps it inside the crop", () => {
    const centres = Array.from({ length: 100 }, (_, i) => 100 + i * 5 + (i % 2 ? 8 : -8));
    const path = smoothCropPath(centres, { cropSize: 324, frameSize: 768 });
    centres.forEach((centre, i) => {
      expect(centre).toBeGreaterThan(path[i]);
      expect(centre).toBeLessThan(path[i] + 324);
    });
    expect(jitter(path)).toBeLessThan(1);
    expect(jitter(centres)).toBeGreaterThan(20);
  });

  it("fills gaps and holds the dead zone", () => {
    expect(fillGaps([null, 10, null, 20, null], 0)).toEqual([10, 10, 15, 20, 20]);
    expect(fillGaps([null, null], 7)).toEqual([7, 7]);
    expect(deadZone([0, 5, 9, 15, 12], 10)).toEqual([0, 0, 0, 5, 5]);
    expect(resample([0, 1], [0, 10], [0, 0.5, 2])).toEqual([0, 5, 10]);
  });

  it("restarts at a cut instead of smoothing across it", () => {
    const size = cropSize("9:16", 768, 576);
    expect(size).toEqual({ width: 324, height: 576, axis: "x" });
    const shot = (start: number, end: number, x: number) => ({ start, end, subject: "obj_001", samples: Array.from({ length: (end - start) * 5 }, (_, i) => ({ time: start + i / 5, centre: { x, y: 300 } })) });
    const offsets = cropPath([shot(0, 2, 150), shot(2, 4, 600)], size, { width: 768, height: 576 }, 10, 4);
    expect(offsets[19]).toBe(0);
    expect(offsets[20]).toBe(600 - 162); // centred on the new subject from the first frame of the shot
    expect(cropSize("16:9", 576, 1024)).toEqual({ width: 576, height: 324, axis: "y" });
  });
});
