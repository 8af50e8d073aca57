import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { isAppError } from "@/lib/errors";
import { resetEnvForTests } from "@/lib/env";
import { callerFor } from "@/lib/jobs/caller";
import { parseJobPayload } from "@/lib/jobs/payloads";
import { resolveOverlayImage } from "./overlay-image";
import { renderTimeline } from "./render";

/**
 * The render's image overlay, read back pixel by pixel: a red square over a grey frame, where
 * the position says, as wide as `scale` says, blended by `opacity`.
 */
let dir: string;
let inputDir: string;
let video: string;
let red: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "framewise-overlay-"));
  inputDir = path.join(dir, "input");
  await mkdir(inputDir);
  video = path.join(dir, "grey.mp4");
  red = path.join(inputDir, "logo.png");
  execFileSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=c=0x808080:s=640x360:r=30:d=2", "-c:v", "libx264", "-pix_fmt", "yuv420p", video]);
  execFileSync("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=c=0xff0000:s=100x100:d=1", "-frames:v", "1", red]);
  process.env.VIDEO_INPUT_DIR = inputDir;
  resetEnvForTests();
});
afterAll(async () => {
  delete process.env.VIDEO_INPUT_DIR;
  resetEnvForTests();
  await rm(dir, { recursive: true, force: true });
});

function pixelAt(file: string, t: number, x: number, y: number): number[] {
  // A 2x2 block at even coordinates: 4:2:0 chroma cannot be cut finer.
  const even = (value: number) => Math.floor(value / 2) * 2;
  const rgb = execFileSync("ffmpeg", ["-v", "error", "-ss", String(t), "-i", file, "-frames:v", "1", "-vf", `crop=2:2:${even(x)}:${even(y)},format=rgb24`, "-f", "rawvideo", "pipe:1"]);
  return [...rgb.subarray(0, 3)];
}

function near(actual: number[], expected: number[], tolerance = 14): boolean {
  return actual.every((value, i) => Math.abs(value - expected[i]) <= tolerance);
}

test("an image overlay lands where asked, scaled to a share of the width, at its opacity", async () => {
  const image = await resolveOverlayImage(undefined as never, callerFor(null), { image_name: "logo.png" });
  const segments = [{ file: video, in: 0, out: 2, hasAudio: false, width: 640, height: 360 }];
  const half = path.join(dir, "half.mp4");
  await renderTimeline({ segments, height: 360, loudnessTarget: null, image: { file: image, position: "top-right", scale: 0.25, opacity: 0.5 } }, half);
  // 0.25 x 640 = 160 px wide (and high), 4% of the width (25.6 px) from the top and right edges.
  const inside = pixelAt(half, 1, 640 - 26 - 80, 26 + 80);
  expect(near(inside, [191, 64, 64]), `half-red blend, got ${inside}`).toBe(true);
  expect(near(pixelAt(half, 1, 640 - 26 - 150, 26 + 150), [191, 64, 64]), "inside its lower-left corner").toBe(true);
  expect(near(pixelAt(half, 1, 640 - 26 - 170, 26 + 80), [128, 128, 128]), "left of it").toBe(true);
  expect(near(pixelAt(half, 1, 640 - 26 - 80, 26 + 170), [128, 128, 128]), "below it").toBe(true);
  expect(near(pixelAt(half, 1, 100, 300), [128, 128, 128])).toBe(true);

  const solid = path.join(dir, "solid.mp4");
  await renderTimeline({ segments, height: 360, loudnessTarget: null, image: { file: image, position: "bottom-left", scale: 0.1, opacity: 1, start: 1 } }, solid);
  // 64 px square, from x 25.6, ending 25.6 px above the bottom, shown from 1 s only.
  expect(near(pixelAt(solid, 1.5, 26 + 32, 360 - 26 - 32), [255, 0, 0])).toBe(true);
  expect(near(pixelAt(solid, 0.3, 26 + 32, 360 - 26 - 32), [128, 128, 128]), "not before its start").toBe(true);
  expect(near(pixelAt(solid, 1.5, 26 + 80, 360 - 26 - 32), [128, 128, 128])).toBe(true);
}, 120_000);

test("overlay images: only pictures inside VIDEO_INPUT_DIR by name, payload fields checked", async () => {
  const refused = async (name: string) =>
    resolveOverlayImage(undefined as never, callerFor(null), { image_name: name }).then(
      () => "accepted",
      (error: unknown) => (isAppError(error) ? error.message : String(error)),
    );
  expect(await refused("../grey.mp4")).toMatch(/^Overlay image \.\.\/grey\.mp4: use a \.png/);
  expect(await refused("../input/../../x.png")).toBe("Overlay image ../input/../../x.png: invalid name");
  expect(await refused("missing.png")).toBe("Overlay image missing.png not found");
  execFileSync("sh", ["-c", `echo 'not a picture' > ${path.join(inputDir, "fake.png")}`]);
  expect(await refused("fake.png")).toBe("Overlay image is not a picture ffmpeg can read");

  const id = "0b6c9a39-3a55-4b8e-9a3f-2d3c1f0e8a11";
  const render = (overlay: unknown) => () => parseJobPayload("render", { source_asset_id: id, overlay });
  expect(parseJobPayload("render", { source_asset_id: id, overlay: { image: { image_name: "logo.png" } } }).overlay).toEqual({ image: { image_name: "logo.png" }, position: "top", scale: 0.2, opacity: 1 });
  expect(render({ position: "top" })).toThrow("Request body 'overlay': give text or image");
  expect(render({ image: { image_name: "a.png", source_asset_id: id } })).toThrow("give source_asset_id or image_name");
  expect(render({ image: { image_name: "a.png" }, scale: 1.5 })).toThrow(/overlay\.scale/);
  expect(render({ image: { image_name: "a.png" }, opacity: -0.1 })).toThrow(/overlay\.opacity/);
  expect(render({ text: "hi", position: "middle" })).toThrow(/overlay\.position/);
  expect(render({ image: { path: "/etc/passwd" } })).toThrow(/overlay\.image/);
});
