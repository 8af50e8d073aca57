import { describe, expect, it } from "vitest";
import { overallProgress, progressPercent, remainingForJob, remainingSeconds } from "./progress";

const job = (phase: string | null, processed: number, total: number, status = "in_progress") => ({ status, phase, processed, total });

describe("overallProgress", () => {
  it("rises through every phase of an analysis and stays under 100% until it completes", () => {
    const steps = [job("probe", 0, 0), job("detect", 0, 150), job("detect", 75, 150), job("detect", 150, 150), job("track", 150, 150), job("events", 150, 150), job("media", 150, 150)];
    const fractions = steps.map(overallProgress);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
    expect(fractions[fractions.length - 1]).toBeLessThan(1);
    for (const step of steps) expect(progressPercent(step)).toBeLessThan(100);
    expect(progressPercent(job("done", 150, 150, "completed"))).toBe(100);
  });

  it("goes by frames for a job without analysis phases", () => {
    expect(overallProgress(job("render", 30, 60))).toBeCloseTo(0.5);
    expect(overallProgress(job(null, 0, 0))).toBe(0);
  });
});

describe("remainingSeconds", () => {
  it("keeps an estimate after detection: never 'estimating' at the end", () => {
    const afterDetection = overallProgress(job("media", 150, 150));
    const left = remainingSeconds(40, afterDetection);
    expect(left).not.toBeNull();
    expect(left!).toBeGreaterThan(0);
    expect(left!).toBeLessThan(5);
  });
  it("has no estimate before there is a rate", () => {
    expect(remainingSeconds(0.5, 0.3)).toBeNull();
    expect(remainingSeconds(10, 0)).toBeNull();
    expect(remainingSeconds(10, 0.5)).toBe(10);
  });
});

describe("remainingForJob", () => {
  it("waits for the first detected frame, then estimates through every phase", () => {
    expect(remainingForJob(job("probe", 0, 0), 5)).toBeNull();
    expect(remainingForJob(job("detect", 0, 150), 5)).toBeNull();
    expect(remainingForJob(job("detect", 15, 150), 5)).toBeGreaterThan(0);
    expect(remainingForJob(job("media", 150, 150), 40)).toBeGreaterThan(0);
    expect(remainingForJob(job("render", 0, 60), 5)).toBeNull();
  });
});
