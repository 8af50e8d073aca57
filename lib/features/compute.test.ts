import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMBEDDING_DIMENSIONS } from "@/lib/db/schema";
import { decodeImage } from "@/lib/media/frames";
import { ffmpegCli, makeTempDir, removeDir } from "@/lib/media/test-media";
import { colourEmbedding, extractPictureFeatures, grabCutMask, orbKeypoints } from "./compute";
import { decodeKeypointBlob } from "./keypoint-blob";
import { extractFrames } from "./extract-frames";
import { cosine } from "./vectors";

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir("features-");
  // A textured orange box on a plain blue-grey background: GrabCut must find the box.
  await ffmpegCli([
    ...["-f", "lavfi", "-i", "color=c=0x405060:s=320x240:d=1"],
    ...["-f", "lavfi", "-i", "testsrc2=s=120x100:d=1"],
    ...["-filter_complex", "[1]colorchannelmixer=rr=1:gg=0.5:bb=0.1[box];[0][box]overlay=100:70", "-frames:v", "1", path.join(dir, "box.png")],
  ]);
  // Two shots: 3 s of testsrc then 3 s of a different pattern.
  await ffmpegCli([
    ...["-f", "lavfi", "-i", "testsrc=s=320x240:r=10:d=3"],
    ...["-f", "lavfi", "-i", "mandelbrot=s=320x240:r=10"],
    ...["-filter_complex", "[1]trim=duration=3,setpts=PTS-STARTPTS[b];[0][b]concat=n=2:v=1", "-c:v", "libx264", "-pix_fmt", "yuv420p", path.join(dir, "two-shots.mp4")],
  ]);
}, 60_000);
afterAll(() => removeDir(dir));

describe("segment", () => {
  it("GrabCut seeded from the border finds the object", async () => {
    const picture = await decodeImage(path.join(dir, "box.png"));
    const mask = await grabCutMask(picture);
    let inside = 0;
    let outside = 0;
    for (let y = 0; y < picture.height; y++) {
      for (let x = 0; x < picture.width; x++) {
        const isBox = x >= 100 && x < 220 && y >= 70 && y < 170;
        if (!mask[y * picture.width + x]) continue;
        if (isBox) inside++;
        else outside++;
      }
    }
    expect(inside / (120 * 100)).toBeGreaterThan(0.85);
    expect(outside / (320 * 240 - 120 * 100)).toBeLessThan(0.05);
  });

  it("writes a PNG mask, a 256-float embedding and a keypoint blob", async () => {
    const features = await extractPictureFeatures({ file: path.join(dir, "box.png"), mediaDir: dir, base: "out/p_1_img_0", features: ["segment", "embedding", "keypoints"], maskedEmbedding: true });
    const png = await readFile(path.join(dir, features.segMaskPath!));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    const decoded = await decodeImage(path.join(dir, features.segMaskPath!));
    expect([decoded.width, decoded.height]).toEqual([320, 240]);
    const emb = await readFile(path.join(dir, features.embPath!));
    expect(emb.length).toBe(EMBEDDING_DIMENSIONS * 4);
    const vector = new Float32Array(emb.buffer, emb.byteOffset, EMBEDDING_DIMENSIONS);
    expect(cosine(vector, vector)).toBeCloseTo(1, 5);
    const blob = decodeKeypointBlob(await readFile(path.join(dir, features.kpBlobPath!)));
    expect(blob.count).toBe(features.kpCount);
    expect(blob.count).toBeGreaterThan(20);
    expect(blob.descriptorBytes).toBe(32);
    expect([blob.width, blob.height]).toEqual([320, 240]);
  });
});

describe("embedding", () => {
  it("the masked product is closer to its own colours than the whole picture is", async () => {
    const picture = await decodeImage(path.join(dir, "box.png"));
    const mask = await grabCutMask(picture);
    const masked = colourEmbedding(picture, mask);
    const whole = colourEmbedding(picture, null);
    const background = colourEmbedding({ width: 1, height: 1, data: Buffer.from([0x40, 0x50, 0x60]) }, null);
    // The masked embedding ignores the background; the whole-picture one is dominated by it.
    expect(cosine(masked, background)).toBeLessThan(0.2);
    expect(cosine(whole, background)).toBeGreaterThan(0.5);
  });

  it("ORB finds the same points on the same picture", async () => {
    const picture = await decodeImage(path.join(dir, "box.png"));
    const [a, b] = [await orbKeypoints(picture, 300), await orbKeypoints(picture, 300)];
    expect(a.count).toBe(b.count);
    expect(Array.from(a.descriptors)).toEqual(Array.from(b.descriptors));
  });
});

describe("frames", () => {
  it("keeps the fps grid and the shot cut, named by source frame index", async () => {
    const { duration, frames } = await extractFrames({ file: path.join(dir, "two-shots.mp4"), dir: path.join(dir, "frames"), fps: 1, sceneThreshold: 0.3, maxFrames: 100 });
    expect(duration).toBeCloseTo(6, 0);
    const cut = frames.filter((frame) => frame.isCut);
    expect(cut.map((frame) => frame.index)).toEqual([30]);
    expect(frames.map((frame) => frame.ts)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(frames[3]).toMatchObject({ file: "000030.jpg", ts: 3, isCut: true });
    const jpeg = await readFile(path.join(dir, "frames", "000030.jpg"));
    expect(jpeg[0]).toBe(0xff);
    expect(jpeg[1]).toBe(0xd8);
  });
});
