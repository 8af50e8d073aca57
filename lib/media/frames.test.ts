import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeFrames, decodeImage, probeVideoStream } from "./frames";
import { ffmpegCli } from "./test-media";

import { SHARED_MEDIA_DIR as media, skipWithoutSharedMedia, VTEST_AVI as vtest } from "./test-media";

function ffmpegChildren(): string[] {
  try {
    return execFileSync("pgrep", ["-P", String(process.pid), "ffmpeg"], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe.skipIf(skipWithoutSharedMedia)("decodeFrames on vtest.avi (768x576, 10 fps)", () => {
  it("probes the video stream", async () => {
    const info = await probeVideoStream(vtest);
    expect(info).toMatchObject({ width: 768, height: 576, fps: 10 });
    expect(info.duration).toBeGreaterThan(79);
  });

  it("samples a range at 5 fps on an exact grid", async () => {
    const frames = [];
    for await (const frame of decodeFrames({ path: vtest, start: 2, end: 4, fps: 5 })) frames.push(frame);
    expect(frames).toHaveLength(10);
    expect(frames.map((frame) => frame.timestamp)).toEqual(Array.from({ length: 10 }, (_, k) => 2 + k / 5));
    expect(frames.map((frame) => frame.index)).toEqual([20, 22, 24, 26, 28, 30, 32, 34, 36, 38]);
    for (const frame of frames) {
      expect([frame.width, frame.height]).toEqual([768, 576]);
      expect(frame.data.length).toBe(768 * 576 * 3);
    }
    // Consecutive samples of a street scene differ, and no frame is blank.
    expect(frames[0].data.equals(frames[9].data)).toBe(false);
    expect(frames.every((frame) => frame.data.some((byte) => byte > 16))).toBe(true);
  });

  it("scales to a requested width keeping the aspect ratio", async () => {
    const sizes = [];
    for await (const frame of decodeFrames({ path: vtest, start: 10, end: 11, fps: 2, width: 320 })) {
      sizes.push([frame.width, frame.height, frame.data.length]);
    }
    expect(sizes).toEqual([
      [320, 240, 320 * 240 * 3],
      [320, 240, 320 * 240 * 3],
    ]);
  });

  it("stops and kills ffmpeg when the consumer leaves early", async () => {
    let seen = 0;
    for await (const frame of decodeFrames({ path: vtest, start: 0, end: 60, fps: 10 })) {
      expect(frame.index).toBe(seen);
      if (++seen === 3) {
        expect(ffmpegChildren().length).toBe(1);
        break;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ffmpegChildren()).toEqual([]);
  });

  it("stops at the end of the video", async () => {
    let count = 0;
    for await (const frame of decodeFrames({ path: vtest, start: 78, end: 200, fps: 5 })) {
      expect(frame.timestamp).toBeLessThan(80);
      count++;
    }
    expect(count).toBeGreaterThan(5);
    expect(count).toBeLessThanOrEqual(8);
  });

  it("decodes a still image to RGB", async () => {
    const image = await decodeImage(path.join(media, "person.jpg"));
    expect(image.data.length).toBe(image.width * image.height * 3);
    expect(image.width).toBeGreaterThan(image.height);
  });

  it("fails clearly on a file that is not media", async () => {
    await expect(decodeImage(path.join(media, "README.md"))).rejects.toThrow(/could not read|no video stream/);
  });
});

describe("decodeFrames on a generated H.264 MP4 (25 fps)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "frames-test-"));
  const mp4 = path.join(dir, "testsrc.mp4");
  beforeAll(() =>
    ffmpegCli([
      ...["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25"],
      ...["-t", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", mp4],
    ]),
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("samples off the source grid and maps timestamps to source frame indices", async () => {
    const frames = [];
    for await (const frame of decodeFrames({ path: mp4, fps: 3 })) frames.push(frame);
    expect(frames.map((frame) => frame.timestamp)).toEqual([0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3]);
    expect(frames.map((frame) => frame.index)).toEqual([0, 8, 17, 25, 33, 42]);
    expect(frames.every((frame) => frame.data.length === 320 * 240 * 3)).toBe(true);
  });

  it("holds frames to the size of a probe it is given, even a wrong one: whole pictures, never torn", async () => {
    const frames = [];
    for await (const frame of decodeFrames({ path: mp4, end: 1, fps: 5, info: { width: 160, height: 120, fps: 25, duration: 2 } })) frames.push(frame);
    expect(frames.map((frame) => [frame.width, frame.height, frame.data.length])).toEqual(Array.from({ length: 5 }, () => [160, 120, 160 * 120 * 3]));
  });

  it("resizes to an explicit size", async () => {
    const frames = [];
    for await (const frame of decodeFrames({ path: mp4, start: 1, end: 1.2, fps: 5, width: 64, height: 48 })) frames.push(frame);
    expect(frames).toHaveLength(1);
    const [frame] = frames;
    expect([frame.width, frame.height, frame.data.length, frame.index]).toEqual([64, 48, 64 * 48 * 3, 25]);
  });
});

describe("decodeFrames on a video tagged as turned a quarter (a phone held upright)", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "frames-rotated-"));
  const flat = path.join(dir, "flat.mp4");
  const turned = path.join(dir, "turned.mp4");
  beforeAll(async () => {
    // A picture with no symmetry: a gradient across, a bright block near the top left.
    await ffmpegCli([
      ...["-f", "lavfi", "-i", "color=c=black:size=320x240:rate=5,geq=lum='X*255/320':cb=128:cr=128,drawbox=x=20:y=20:w=60:h=40:color=white:t=fill"],
      ...["-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", flat],
    ]);
    await ffmpegCli(["-i", flat, "-c", "copy", "-metadata:s:v:0", "rotate=90", turned]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports the size as shown and decodes whole, unsquashed pictures", async () => {
    expect(await probeVideoStream(turned)).toMatchObject({ width: 240, height: 320 });
    const [upright] = await first(decodeFrames({ path: flat, end: 0.2, fps: 5 }));
    const [shown] = await first(decodeFrames({ path: turned, end: 0.2, fps: 5 }));
    expect([shown.width, shown.height]).toEqual([240, 320]);
    // Each shown pixel is the upright picture's pixel turned a quarter one way or the other.
    const grey = (frame: typeof upright, x: number, y: number) => frame.data[(y * frame.width + x) * 3];
    let clockwise = 0;
    let counter = 0;
    for (let y = 4; y < 320; y += 16) {
      for (let x = 4; x < 240; x += 16) {
        clockwise += Math.abs(grey(shown, x, y) - grey(upright, y, 239 - x));
        counter += Math.abs(grey(shown, x, y) - grey(upright, 319 - y, x));
      }
    }
    const samples = 20 * 15;
    expect(Math.min(clockwise, counter) / samples).toBeLessThan(8);
  });
});

async function first<T>(frames: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const frame of frames) {
    out.push(frame);
    break;
  }
  return out;
}
