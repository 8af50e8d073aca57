import path from "node:path";
import { describe, expect, it } from "vitest";
import { AUTO_THRESHOLDS, chooseEnhancements, detectShake, enhanceFilters, enhanceVideo, type EnhanceMeasurements } from "./enhance";
import { measureInterlacing, measureShake, measureVideo } from "./measure";
import { probeVideo } from "./probe";
import { ffmpegCli, makeVariant, mp4TopLevelBoxes } from "./test-media";
import { describeMedia, useTempDir } from "./test-setup";

const temp = useTempDir();

const clean: EnhanceMeasurements = {
  figures: { sharpness: 500, noise: 1, mean_luma: 120, contrast: 50, black: 8, white: 245 },
  interlacedRatio: 0,
  probedInterlaced: false,
  shake: 0.1,
};

describe("chooseEnhancements (the auto preset)", () => {
  it("leaves a clean, sharp, well exposed, steady progressive video alone", () => {
    const plan = chooseEnhancements(clean);
    expect(plan).toMatchObject({ deinterlace: false, stabilise: false, denoise: null, levels: null, sharpen: 0 });
    expect(enhanceFilters(plan)).toBe("scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p");
  });

  it("denoises noise above the threshold, temporally when heavy, and does not sharpen the grain back", () => {
    const some = chooseEnhancements({ ...clean, figures: { ...clean.figures, noise: 3.5 } });
    expect(some.denoise).toEqual({ strength: 5.6, temporal: false });
    expect(some.sharpen).toBe(0);
    const heavy = chooseEnhancements({ ...clean, figures: { ...clean.figures, noise: AUTO_THRESHOLDS.heavyNoise + 2 } });
    expect(heavy.denoise?.temporal).toBe(true);
    expect(enhanceFilters(heavy)).toMatch(/^atadenoise=[^,]+,hqdn3d=10\.00:/);
  });

  it("sharpens a soft clean video", () => {
    const plan = chooseEnhancements({ ...clean, figures: { ...clean.figures, sharpness: 60 } });
    expect(plan.sharpen).toBe(0.8);
    expect(enhanceFilters(plan)).toContain("unsharp=5:5:0.80:5:5:0");
  });

  it("stretches washed-out levels and lifts a dark video", () => {
    const washed = chooseEnhancements({ ...clean, figures: { ...clean.figures, black: 40, white: 200 } });
    expect(washed.levels).toEqual({ black: 40, white: 200, gamma: 1 });
    expect(enhanceFilters(washed)).toContain("colorlevels=rimin=0.157:gimin=0.157:bimin=0.157:rimax=0.784");
    const dark = chooseEnhancements({ ...clean, figures: { ...clean.figures, mean_luma: 50 } });
    expect(dark.levels?.gamma).toBe(1.25);
    expect(enhanceFilters(dark)).toContain("eq=gamma=1.250");
  });

  it("deinterlaces on idet's verdict or the container's field order, stabilises on shake", () => {
    expect(chooseEnhancements({ ...clean, interlacedRatio: 0.8 }).deinterlace).toBe(true);
    expect(chooseEnhancements({ ...clean, probedInterlaced: true }).deinterlace).toBe(true);
    const shaky = chooseEnhancements({ ...clean, shake: 2 });
    expect(shaky.stabilise).toBe(true);
    expect(enhanceFilters(shaky, "/data/jobs/x/media/stabilise.trf")).toContain("vidstabtransform=input=/data/jobs/x/media/stabilise.trf:");
    expect(enhanceFilters({ ...shaky, deinterlace: true }).startsWith("bwdif")).toBe(true);
  });
});

describeMedia("enhanceVideo", () => {
  it("re-encodes to H.264 with rising progress and faststart", async () => {
    const input = await makeVariant(temp.path, "mp4");
    const output = path.join(temp.path, "enhanced.mp4");
    const progress: number[] = [];
    const plan = chooseEnhancements({ ...clean, figures: { ...clean.figures, noise: 4, black: 30 } });
    await enhanceVideo({ input, output, plan, probe: await probeVideo(input), onProgress: (p) => progress.push(p) });
    const probe = await probeVideo(output);
    expect(probe.codec).toBe("h264");
    expect(probe.duration).toBeCloseTo(3, 0);
    expect(progress.at(-1)).toBe(100);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const boxes = await mp4TopLevelBoxes(output);
    expect(boxes.indexOf("moov")).toBeLessThan(boxes.indexOf("mdat"));
  });

  it("measures less noise after the auto preset on a video given grain by ffmpeg's noise filter", async () => {
    const source = await makeVariant(temp.path, "mp4");
    const noisy = path.join(temp.path, "noisy.mp4");
    await ffmpegCli(["-i", source, "-vf", "noise=alls=25:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p", noisy]);
    const probe = await probeVideo(noisy);
    const before = await measureVideo(noisy, probe);
    const plan = chooseEnhancements({ figures: before, interlacedRatio: 0, probedInterlaced: false, shake: 0 });
    expect(plan.denoise).not.toBeNull();
    const output = path.join(temp.path, "denoised.mp4");
    await enhanceVideo({ input: noisy, output, plan, probe });
    const after = await measureVideo(output, probe, { size: { width: before.width, height: before.height } });
    expect(after.noise).toBeLessThan(before.noise * 0.7);
  });

  it("measures shake on a jittered crop, chooses vidstab, and the result measures steady", async () => {
    const source = await makeVariant(temp.path, "mp4");
    const shaky = path.join(temp.path, "shaky.mp4");
    await ffmpegCli(["-i", source, "-vf", "scale=768:576,crop=640:480:x='64+12*sin(n*2.3)':y='48+9*sin(n*1.7+1)'", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", shaky]);
    const probe = await probeVideo(shaky);
    const before = await measureShake(shaky, probe);
    expect(before.shake).toBeGreaterThan(AUTO_THRESHOLDS.shake);
    expect((await measureShake(source, await probeVideo(source))).shake).toBeLessThan(AUTO_THRESHOLDS.shake);
    const plan = chooseEnhancements({ ...clean, shake: before.shake });
    expect(plan.stabilise).toBe(true);
    const transforms = path.join(temp.path, "shake.trf");
    await detectShake(shaky, transforms, probe);
    const output = path.join(temp.path, "stable.mp4");
    await enhanceVideo({ input: shaky, output, plan, probe, transforms });
    expect((await measureShake(output, probe)).shake).toBeLessThan(before.shake / 2);
  });

  it("finds and removes interlacing", async () => {
    const input = await makeVariant(temp.path, "interlaced");
    const probe = await probeVideo(input);
    const plan = chooseEnhancements({ ...clean, probedInterlaced: probe.interlaced, interlacedRatio: (await measureInterlacing(input)).ratio });
    expect(plan.deinterlace).toBe(true);
    const output = path.join(temp.path, "deinterlaced.mkv");
    await enhanceVideo({ input, output, plan, probe });
    expect((await probeVideo(output)).container).toBe("mkv");
  });
});
