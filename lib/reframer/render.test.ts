import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cropPath, cropSize, type ShotPlan } from "@/lib/framing/crop-path";
import { fitRanges, renderReframe, shotLayout } from "./render";

const run = promisify(execFile);

/** A shot whose subject sits at x with a box `boxWidth` wide at every sample (10 a second). */
function shot(start: number, end: number, x: number, boxWidth: number | null): ShotPlan {
  const samples = Array.from({ length: Math.round((end - start) * 10) }, (_, k) => ({
    time: start + k / 10,
    centre: boxWidth === null ? null : { x, y: 180, width: boxWidth, height: 300 },
  }));
  return { start, end, subject: boxWidth === null ? null : "obj_001", samples };
}

describe("the background rule", () => {
  const size = cropSize("9:16", 640, 360); // 202 x 360, moving along x

  it("fits a shot whose subject is wider than the crop, crops the others", () => {
    expect(size).toEqual({ width: 202, height: 360, axis: "x" });
    expect(shotLayout(shot(0, 2, 320, 150), size)).toBe("crop");
    expect(shotLayout(shot(0, 2, 320, 260), size)).toBe("fit");
    expect(shotLayout(shot(0, 2, 320, 202), size)).toBe("crop"); // exactly as wide still fits in the crop
    expect(shotLayout(shot(0, 2, 320, null), size)).toBe("crop"); // nobody to keep whole
  });

  it("goes by the median: one over-wide detection does not flip a shot", () => {
    const plan = shot(0, 2, 320, 150);
    plan.samples[3].centre!.width = 600;
    expect(shotLayout(plan, size)).toBe("crop");
    plan.samples.forEach((sample, k) => (sample.centre!.width = k < 12 ? 400 : 100));
    expect(shotLayout(plan, size)).toBe("fit");
  });

  it("uses the height when the crop moves along y (a wider aspect from a portrait frame)", () => {
    const wide = cropSize("16:9", 360, 640); // 360 x 202, moving along y
    expect(wide.axis).toBe("y");
    expect(shotLayout(shot(0, 1, 180, 100), wide)).toBe("fit"); // the box is 300 tall
    const short = shot(0, 1, 180, 100);
    short.samples.forEach((sample) => (sample.centre!.height = 150));
    expect(shotLayout(short, wide)).toBe("crop");
  });

  it("merges neighbouring fit shots into one range and never joins across a cropped one", () => {
    const shots = [shot(0, 1, 320, 300), shot(1, 2, 320, 300), shot(2, 3, 320, 100), shot(3, 4, 320, 300)];
    expect(fitRanges(shots, size)).toEqual([
      { start: 0, end: 2 },
      { start: 3, end: 4 },
    ]);
  });
});

describe("a rendered reframe with the background rule", () => {
  let dir: string;
  const width = 202;
  const height = 360;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "framewise-reframe-render-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** One output frame as 8-bit grey. */
  async function greyFrame(file: string, time: number): Promise<Uint8Array> {
    const { stdout } = await run("ffmpeg", ["-v", "error", "-ss", time.toFixed(3), "-i", file, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"], { encoding: "buffer", maxBuffer: 1 << 24 });
    expect(stdout.length).toBe(width * height);
    return new Uint8Array(stdout);
  }

  /** Variance of the 4-neighbour Laplacian over rows [y0, y1) (inner columns). */
  function laplacianVariance(grey: Uint8Array, y0: number, y1: number): number {
    const values: number[] = [];
    for (let y = Math.max(1, y0); y < Math.min(height - 1, y1); y++) {
      for (let x = 1; x < width - 1; x++) {
        const i = y * width + x;
        values.push(4 * grey[i] - grey[i - 1] - grey[i + 1] - grey[i - width] - grey[i + width]);
      }
    }
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    return values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  }

  function meanOf(grey: Uint8Array, y0: number, y1: number): number {
    let sum = 0;
    for (let i = y0 * width; i < y1 * width; i++) sum += grey[i];
    return sum / ((y1 - y0) * width);
  }

  it("shows a fit shot whole over a blurred copy (soft bands, not black, not sharp) and crops the rest", async () => {
    // testsrc2: sharp edges and colour everywhere, so a crop is sharp to its edges and a blurred copy is not black.
    const source = path.join(dir, "source.mp4");
    await run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=10:duration=4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", source]);
    const size = cropSize("9:16", 640, 360);
    const shots = [shot(0, 2, 200, 120), shot(2, 4, 320, 400)];
    const fit = fitRanges(shots, size);
    expect(fit).toEqual([{ start: 2, end: 4 }]);
    const output = path.join(dir, "reframed.mp4");
    await renderReframe({ file: source, output, commandsFile: path.join(dir, "commands.txt"), size, offsets: cropPath(shots, size, { width: 640, height: 360 }, 10, 4), fps: 10, fit });

    const { stdout } = await run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=width,height,nb_read_frames", "-of", "csv=p=0", output]);
    expect(stdout.trim()).toBe(`${width},${height},40`); // every source frame, once

    // The fitted picture: 640x360 scaled to 202 wide is 114 tall, centred: rows 123-237.
    const fitted = await greyFrame(output, 3.05);
    const band = laplacianVariance(fitted, 0, 110);
    const lower = laplacianVariance(fitted, 250, height);
    const picture = laplacianVariance(fitted, 128, 232);
    expect(band).toBeLessThan(picture / 20);
    expect(lower).toBeLessThan(picture / 20);
    expect(meanOf(fitted, 0, 110)).toBeGreaterThan(25); // a copy of the picture, not black padding
    expect(meanOf(fitted, 250, height)).toBeGreaterThan(25);

    // The cropped shot is the source's pixels at full sharpness, top to bottom.
    const cropped = await greyFrame(output, 1.05);
    expect(laplacianVariance(cropped, 0, 110)).toBeGreaterThan(band * 20);
  });
});
