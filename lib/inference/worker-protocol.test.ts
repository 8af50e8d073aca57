import { describe, expect, it } from "vitest";
import { analysisOptionsSchema } from "../analysis/start-analysis";
import { analyzeRequestSchema, DEFAULT_THRESHOLDS, MAX_SAMPLE_FPS, TASKS } from "./worker-protocol";

// One set of defaults for the web side and the worker: the analysis options read them from the
// protocol module the worker validates with (workers/inference/server.test.ts covers the worker).

describe("the worker protocol's defaults", () => {
  it("are the analysis options' defaults and limits", () => {
    const defaults = analysisOptionsSchema.parse({});
    expect(defaults.detectThreshold).toBe(DEFAULT_THRESHOLDS.detect);
    expect(analysisOptionsSchema.safeParse({ fps: MAX_SAMPLE_FPS }).success).toBe(true);
    expect(analysisOptionsSchema.safeParse({ fps: MAX_SAMPLE_FPS + 1 }).success).toBe(false);
    expect(analysisOptionsSchema.safeParse({ tasks: [...TASKS] }).success).toBe(true);
  });

  it("fill in what a worker request leaves out, and cap it where the options do", () => {
    const request = analyzeRequestSchema.parse({ path: "/v.mp4", fps: 5, tasks: ["detect", "detect"] });
    expect(request.thresholds).toEqual(DEFAULT_THRESHOLDS);
    expect(request.tasks).toEqual(["detect"]);
    expect(analyzeRequestSchema.parse({ path: "/v.mp4", fps: 5, tasks: ["detect"], thresholds: { detect: 0.5 } }).thresholds).toEqual({ ...DEFAULT_THRESHOLDS, detect: 0.5 });
    expect(analyzeRequestSchema.safeParse({ path: "/v.mp4", fps: MAX_SAMPLE_FPS + 1, tasks: ["detect"] }).success).toBe(false);
  });
});
