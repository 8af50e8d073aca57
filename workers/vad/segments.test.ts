import { describe, expect, test } from "vitest";
import { speechSegments } from "./segments";

describe("VAD segmentation", () => {
  const chunk = 512 / 16000;
  const probs = (pattern: [number, number][]) => pattern.flatMap(([p, seconds]) => Array(Math.round(seconds / chunk)).fill(p) as number[]);

  test("hysteresis, minimum silence, minimum speech and padding", () => {
    // 1 s silence, 1 s speech, a 0.1 s dip (kept inside), 0.5 s speech, 1 s silence, 0.1 s blip, 1 s silence
    const p = probs([[0.01, 1], [0.9, 1], [0.2, 0.1], [0.6, 0.5], [0.05, 1], [0.9, 0.1], [0.02, 1]]);
    const duration = p.length * chunk;
    const segments = speechSegments(p, duration);
    expect(segments).toHaveLength(1);
    expect(segments[0].start).toBeCloseTo(1 - 0.2, 1);
    expect(segments[0].end).toBeCloseTo(2.6 + 0.2, 1);
    // between 0.35 and 0.5 continues speech but does not start it
    expect(speechSegments(probs([[0.4, 2]]), 2)).toEqual([]);
  });

  test("padding never overlaps the neighbour", () => {
    const p = probs([[0.9, 1], [0.0, 0.35], [0.9, 1]]);
    const [a, b] = speechSegments(p, p.length * chunk);
    expect(a.end).toBeLessThanOrEqual(b.start);
  });
});
