import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "@/lib/media/frames";
import { ffmpegCli, makeTempDir, removeDir, skipWithoutSharedMedia, VTEST_AVI } from "@/lib/media/test-media";
import { colourEmbedding, orbKeypoints } from "./compute";
import { verify } from "./search";
import { cosine } from "./vectors";

// A product image cut from a vtest frame must be found in that frame by ORB + RANSAC, with its
// box where it was cut, and not in a frame from elsewhere in the video.
describe.skipIf(skipWithoutSharedMedia)("keypoint verification", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir("search-");
    await ffmpegCli(["-ss", "30", "-i", VTEST_AVI, "-frames:v", "1", path.join(dir, "frame.png")]);
    await ffmpegCli(["-ss", "30", "-i", VTEST_AVI, "-frames:v", "1", "-vf", "crop=260:260:250:120", path.join(dir, "crop.png")]);
    await ffmpegCli(["-ss", "70", "-i", VTEST_AVI, "-frames:v", "1", path.join(dir, "other.png")]);
  }, 60_000);
  afterAll(() => removeDir(dir));

  it("finds the crop in its frame with the right box", async () => {
    const frame = await decodeImage(path.join(dir, "frame.png"));
    const crop = await decodeImage(path.join(dir, "crop.png"));
    const other = await decodeImage(path.join(dir, "other.png"));
    const cropKeypoints = await orbKeypoints(crop, 500);
    const own = await verify(cropKeypoints, await orbKeypoints(frame, 1000));
    const elsewhere = await verify(cropKeypoints, await orbKeypoints(other, 1000));
    expect(own.inliers).toBeGreaterThanOrEqual(8);
    expect(own.inliers).toBeGreaterThan(elsewhere.inliers);
    expect(own.box!.x).toBeCloseTo(250 / 768, 1);
    expect(own.box!.y).toBeCloseTo(120 / 576, 1);
    expect(own.box!.width).toBeCloseTo(260 / 768, 1);
    // The colour embedding alone: the crop is close to both frames of the same street.
    expect(cosine(colourEmbedding(crop, null), colourEmbedding(frame, null))).toBeGreaterThan(0.5);
  });
});
