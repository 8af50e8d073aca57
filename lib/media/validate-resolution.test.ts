import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { env, resetEnvForTests } from "@/lib/env";
import { makeTempDir, removeDir } from "./test-media";
import { validateVideo } from "./validate";

// The resolution cap (issue 10, item 3) on real files made here with ffmpeg: no shared media needed.

let dir: string;
const files: Record<string, string> = {};

function make(name: string, size: string, codec: string[]) {
  files[name] = path.join(dir, name);
  execFileSync("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", `testsrc=size=${size}:rate=2:duration=2`, ...codec, files[name]]);
}

beforeAll(async () => {
  dir = await makeTempDir();
  make("huge.mov", "10000x10000", ["-c:v", "mjpeg", "-q:v", "20", "-pix_fmt", "yuvj420p"]);
  make("landscape.mp4", "640x360", ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]);
  make("portrait.mp4", "360x640", ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]);
});

afterAll(async () => {
  await removeDir(dir);
});

afterEach(() => {
  delete process.env.MAX_RESOLUTION;
  resetEnvForTests();
});

describe("validateVideo resolution cap", () => {
  it("refuses 10000x10000 under the default 7680x4320", async () => {
    await expect(validateVideo(files["huge.mov"])).rejects.toMatchObject({
      kind: "bad_request",
      message: "Video resolution 10000x10000 exceeds the maximum 7680x4320 (by area)",
    });
  });

  it("compares by area, so portrait and landscape weigh the same, and reads MAX_RESOLUTION", async () => {
    process.env.MAX_RESOLUTION = "640x360";
    resetEnvForTests();
    await expect(validateVideo(files["landscape.mp4"])).resolves.toMatchObject({ width: 640, height: 360 });
    await expect(validateVideo(files["portrait.mp4"])).resolves.toMatchObject({ width: 360, height: 640 });
    await expect(validateVideo(files["landscape.mp4"], { maxResolution: { width: 639, height: 360 } })).rejects.toMatchObject({
      message: "Video resolution 640x360 exceeds the maximum 639x360 (by area)",
    });
  });

  it("refuses a malformed MAX_RESOLUTION at start", () => {
    process.env.MAX_RESOLUTION = "8k";
    resetEnvForTests();
    expect(() => env()).toThrow(/MAX_RESOLUTION: expected WIDTHxHEIGHT/);
  });
});
