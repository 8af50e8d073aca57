import { describe, expect, it } from "vitest";
import { estimateShift, measureFrame, shakeOf } from "./measure";

function picture(width: number, height: number, at: (x: number, y: number) => number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = Math.max(0, Math.min(255, Math.round(at(x, y))));
  return out;
}

// A deterministic pseudo-random sequence (no Math.random in tests).
function noiseSource(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

describe("measureFrame", () => {
  it("gives a flat picture no sharpness, no noise, no contrast", () => {
    const figures = measureFrame(picture(64, 48, () => 100), 64, 48);
    expect(figures).toEqual({ sharpness: 0, noise: 0, mean_luma: 100, contrast: 0, black: 100, white: 100 });
  });

  it("estimates Gaussian-like noise near its standard deviation", () => {
    const random = noiseSource(7);
    // Sum of 12 uniforms - 6: mean 0, standard deviation 1.
    const gaussian = () => Array.from({ length: 12 }, random).reduce((a, b) => a + b, 0) - 6;
    const figures = measureFrame(picture(200, 150, () => 128 + 5 * gaussian()), 200, 150);
    expect(figures.noise).toBeGreaterThan(4);
    expect(figures.noise).toBeLessThan(6);
    expect(figures.contrast).toBeCloseTo(5, 0);
  });

  it("scores a sharp edge above the same edge blurred, and ignores smooth gradients as noise", () => {
    const sharp = measureFrame(picture(64, 64, (x) => (x < 32 ? 20 : 220)), 64, 64);
    const soft = measureFrame(picture(64, 64, (x) => 20 + 200 / (1 + Math.exp(-(x - 32) / 4))), 64, 64);
    expect(sharp.sharpness).toBeGreaterThan(soft.sharpness * 5);
    const ramp = measureFrame(picture(64, 64, (x, y) => x + y), 64, 64);
    expect(ramp.noise).toBeLessThan(0.5);
  });

  it("reads levels from the 1st and 99th percentiles", () => {
    const figures = measureFrame(picture(100, 100, (x) => 50 + x), 100, 100);
    expect(figures.black).toBe(51);
    expect(figures.white).toBe(149);
    expect(figures.mean_luma).toBeCloseTo(99.5, 1);
  });
});

describe("estimateShift and shakeOf", () => {
  it("finds a known translation", () => {
    const random = noiseSource(3);
    const base = picture(80, 60, () => random() * 255);
    const moved = picture(80, 60, (x, y) => base[Math.min(59, Math.max(0, y - 2)) * 80 + Math.min(79, Math.max(0, x - 3))]);
    expect(estimateShift(base, moved, 80, 60)).toEqual({ dx: 3, dy: 2 });
  });

  it("calls jitter shake and a steady pan not", () => {
    const pan = Array.from({ length: 30 }, () => ({ dx: 1, dy: 0 }));
    const jitter = Array.from({ length: 30 }, (_, index) => ({ dx: index % 2 ? 3 : -3, dy: index % 3 ? 2 : -2 }));
    expect(shakeOf(pan)).toBeLessThan(0.2);
    expect(shakeOf(jitter)).toBeGreaterThan(1);
  });
});
