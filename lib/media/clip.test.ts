import { readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { clipWindow, makeClip, makeProxy } from "./clip";
import { countFfprobeRuns } from "./ffmpeg";
import { probeVideo } from "./probe";
import { makeVariant, mp4TopLevelBoxes, VTEST_AVI } from "./test-media";
import { describeMedia, useTempDir } from "./test-setup";

const temp = useTempDir();

describe("clipWindow", () => {
  it("adds pre/post roll and clamps to the video", () => {
    expect(clipWindow(10, 14, 2, 3, 79.5)).toEqual({ start: 8, end: 17 });
    expect(clipWindow(1, 2, 5, 1, 79.5)).toEqual({ start: 0, end: 3 });
    expect(clipWindow(78, 79, 1, 5, 79.5)).toEqual({ start: 77, end: 79.5 });
    expect(clipWindow(90, 95, 1, 1, 79.5)).toBeNull();
  });
});

describeMedia("makeClip", () => {
  it("cuts an H.264 +faststart MP4 of the clamped window from the MS-MPEG4 AVI", async () => {
    const output = path.join(temp.path, "media", "event-1.mp4");
    const progress: number[] = [];
    const result = await makeClip({ input: VTEST_AVI, start: 1, end: 4, preRoll: 2, postRoll: 1.5, output, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ path: output, start: 0, end: 5.5, hasAudio: false });

    const probe = await probeVideo(output);
    expect(probe.container).toBe("mp4");
    expect(probe.codec).toBe("h264");
    expect(probe.pixelFormat).toBe("yuv420p");
    expect([probe.width % 2, probe.height % 2]).toEqual([0, 0]);
    expect(probe.duration).toBeGreaterThan(5.3);
    expect(probe.duration).toBeLessThan(5.7);
    expect(probe.audio).toEqual([]);

    const boxes = await mp4TopLevelBoxes(output);
    expect(boxes.indexOf("moov")).toBeGreaterThan(-1);
    expect(boxes.indexOf("moov")).toBeLessThan(boxes.indexOf("mdat"));
    expect(progress.at(-1)).toBe(100);
    // Only the finished file is left in the folder.
    expect(await readdir(path.dirname(output))).toEqual(["event-1.mp4"]);
  });

  it("keeps audio as AAC when the source has it, from the middle of the video", async () => {
    const input = await makeVariant(temp.path, "mp4-audio");
    const output = path.join(temp.path, "media", "with-audio.mp4");
    await makeClip({ input, start: 1.5, end: 2.5, preRoll: 0.5, postRoll: 0.5, output });
    const probe = await probeVideo(output);
    expect(probe.codec).toBe("h264");
    expect(probe.audio.map((stream) => stream.codec)).toEqual(["aac"]);
    expect(probe.duration).toBeGreaterThan(1.8);
    expect(probe.duration).toBeLessThan(2.3);
    const boxes = await mp4TopLevelBoxes(output);
    expect(boxes.indexOf("moov")).toBeLessThan(boxes.indexOf("mdat"));
  });

  it("makes a proxy from a known duration alone, without probing, keeping audio only where there is some", async () => {
    const withAudio = await makeVariant(temp.path, "mp4-audio");
    const silent = await makeVariant(temp.path, "mp4");
    const [loud, quiet] = [path.join(temp.path, "proxy-audio.mp4"), path.join(temp.path, "proxy-silent.mp4")];
    const before = countFfprobeRuns();
    const [a, b] = [await makeProxy({ input: withAudio, output: loud, probe: { duration: 3 } }), await makeProxy({ input: silent, output: quiet, probe: { duration: 3 } })];
    expect(countFfprobeRuns()).toBe(before);
    expect([a.hasAudio, b.hasAudio]).toEqual([undefined, undefined]);
    expect((await probeVideo(loud)).audio.map((stream) => stream.codec)).toEqual(["aac"]);
    const proxy = await probeVideo(quiet);
    expect([proxy.codec, proxy.audio]).toEqual(["h264", []]);
  });

  it("refuses a window outside the video", async () => {
    await expect(makeClip({ input: VTEST_AVI, start: 100, end: 110, output: path.join(temp.path, "none.mp4") })).rejects.toMatchObject({
      kind: "bad_request",
    });
  });
});
