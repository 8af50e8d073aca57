import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";
import { extractMetadata, sampleColorProfile } from "./metadata";
import { probeVideo } from "./probe";
import { ffmpegCli, VTEST_AVI } from "./test-media";
import { describeMedia, useTempDir } from "./test-setup";

const temp = useTempDir();

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

describeMedia("extractMetadata", () => {
  it("builds the contract's record for the AVI with histograms that sum to 1", async () => {
    const progress: number[] = [];
    const metadata = await extractMetadata({ path: VTEST_AVI, fileId: "f-1", filename: "street.avi", samples: 12, onProgress: (p) => progress.push(p) });
    expect(metadata).toMatchObject({
      file_id: "f-1",
      filename: "street.avi",
      format: "avi",
      resolution: { width: 768, height: 576 },
      fps: 10,
      frame_count: 795,
      duration_seconds: 79,
      file_size_bytes: 8131690,
    });
    expect(metadata.bit_rate).toMatch(/^\d+$/);
    for (const channel of ["b", "g", "r"] as const) {
      const histogram = metadata.color_profile.histograms[channel];
      expect(histogram).toHaveLength(256);
      expect(sum(histogram)).toBeCloseTo(1, 9);
      expect(Math.min(...histogram)).toBeGreaterThanOrEqual(0);
      const average = metadata.color_profile.average_color[channel];
      expect(Number.isInteger(average)).toBe(true);
      expect(average).toBeCloseTo(sum(histogram.map((share, value) => share * value)), -0.5);
    }
    expect(metadata.advanced).toMatchObject({ sampled_frames: 12, codec: "msmpeg4v3" });
    expect(JSON.stringify(metadata.advanced)).not.toContain(path.dirname(VTEST_AVI));
    expect(progress.at(-1)).toBe(100);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it("measures a known colour", async () => {
    const solid = path.join(temp.path, "solid.mkv");
    await ffmpegCli(["-f", "lavfi", "-i", "color=c=0x2060c0:size=320x240:rate=10", "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv444p", solid]);
    const { profile, frames } = await sampleColorProfile(solid, await probeVideo(solid), { samples: 3 });
    expect(frames).toBe(3);
    expect(profile.average_color.r).toBeGreaterThanOrEqual(0x20 - 3);
    expect(profile.average_color.r).toBeLessThanOrEqual(0x20 + 3);
    expect(Math.abs(profile.average_color.g - 0x60)).toBeLessThanOrEqual(3);
    expect(Math.abs(profile.average_color.b - 0xc0)).toBeLessThanOrEqual(3);
  });

  it("counts every pixel exactly, whatever the pipe's chunk boundaries", async () => {
    // 333 x 201: frames of an odd byte length, so pixels and pixel pairs straddle chunks.
    const clip = path.join(temp.path, "odd.mkv");
    await ffmpegCli(["-f", "lavfi", "-i", "testsrc2=size=334x202:rate=10", "-t", "2", "-vf", "crop=333:201,noise=alls=20:allf=t", "-c:v", "ffv1", "-pix_fmt", "bgr0", clip]);
    const probe = await probeVideo(clip);
    const { profile, frames, width, height } = await sampleColorProfile(clip, probe);
    const raw = execFileSync("ffmpeg", ["-v", "error", "-i", clip, "-map", "0:v:0", "-vf", `scale=${width}:${height}:flags=area`, "-fps_mode", "passthrough", "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"], { maxBuffer: 1 << 28 });
    expect(frames).toBe(raw.length / (width * height * 3));
    const expected = [new Array<number>(256).fill(0), new Array<number>(256).fill(0), new Array<number>(256).fill(0)];
    raw.forEach((value, i) => expected[i % 3][value]++);
    const pixels = raw.length / 3;
    (["r", "g", "b"] as const).forEach((channel, c) => {
      const counted = profile.histograms[channel].map((share) => Math.round(share * pixels));
      expect(counted).toEqual(expected[c]);
    });
  });
});
