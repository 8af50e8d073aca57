import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENHANCE_PRESETS, enhanceFilters, enhanceVideo } from "./enhance";
import { probeVideo } from "./probe";
import { makeVariant, mp4TopLevelBoxes } from "./test-media";
import { describeMedia, useTempDir } from "./test-setup";

const temp = useTempDir();

describe("enhanceFilters", () => {
  it("deinterlaces only when probed interlaced (auto)", () => {
    expect(enhanceFilters(ENHANCE_PRESETS.auto, false).chain).not.toContain("yadif");
    const interlaced = enhanceFilters(ENHANCE_PRESETS.auto, true);
    expect(interlaced.deinterlaced).toBe(true);
    expect(interlaced.chain.startsWith("yadif")).toBe(true);
    expect(enhanceFilters({ ...ENHANCE_PRESETS.auto, deinterlace: "never" }, true).chain).not.toContain("yadif");
  });

  it("maps presets to hqdn3d, unsharp and eq", () => {
    expect(enhanceFilters(ENHANCE_PRESETS.denoise, false).chain).toMatch(/^hqdn3d=5\.00:3\.75:7\.50:5\.63,scale/);
    expect(enhanceFilters(ENHANCE_PRESETS.sharpen, false).chain).toMatch(/^unsharp=5:5:1\.20:5:5:0,/);
    expect(enhanceFilters(ENHANCE_PRESETS.color, false).chain).toContain("eq=contrast=1.150:saturation=1.300");
    expect(enhanceFilters({ ...ENHANCE_PRESETS.auto, denoise: 1000 }, false).chain).toContain("hqdn3d=20.00");
  });
});

describeMedia("enhanceVideo", () => {
  it("re-encodes the AVI's first seconds to H.264 with rising progress", async () => {
    const input = await makeVariant(temp.path, "mp4");
    const output = path.join(temp.path, "enhanced.mp4");
    const progress: number[] = [];
    const result = await enhanceVideo({ input, output, preset: "strong", onProgress: (p) => progress.push(p) });
    expect(result.deinterlaced).toBe(false);
    const probe = await probeVideo(output);
    expect(probe.codec).toBe("h264");
    expect(probe.duration).toBeCloseTo(3, 0);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(100);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const boxes = await mp4TopLevelBoxes(output);
    expect(boxes.indexOf("moov")).toBeLessThan(boxes.indexOf("mdat"));
  });

  it("deinterlaces an interlaced source", async () => {
    const input = await makeVariant(temp.path, "interlaced");
    expect((await probeVideo(input)).interlaced).toBe(true);
    const result = await enhanceVideo({ input, output: path.join(temp.path, "deinterlaced.mkv"), preset: "denoise" });
    expect(result.deinterlaced).toBe(true);
    expect((await probeVideo(result.path)).container).toBe("mkv");
  });
});
