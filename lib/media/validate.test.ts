import { afterAll, beforeAll, expect, it } from "vitest";
import { AppError, type ErrorCode } from "@/lib/errors";
import { probeVideo } from "./probe";
import { makeTempDir, makeVariant, removeDir, skipWithoutSharedMedia, type Variant, VTEST_AVI } from "./test-media";
import { describeMedia } from "./test-setup";
import { validateVideo } from "./validate";


let dir: string;
const variants: Partial<Record<Variant, string>> = {};
const ALL: Variant[] = [
  "mp4", "mkv", "mov", "mp4-audio", "rotated", "truncated-mp4", "truncated-faststart", "truncated-avi",
  "empty", "text", "small", "short", "flv", "audio-only", "jpeg-as-mp4",
];

beforeAll(async () => {
  if (skipWithoutSharedMedia) return;
  dir = await makeTempDir();
  for (const variant of ALL) variants[variant] = await makeVariant(dir, variant);
});

afterAll(async () => {
  if (dir) await removeDir(dir);
});

async function refusal(path: string): Promise<AppError> {
  const error = await validateVideo(path).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `${path} should be refused`).toBeInstanceOf(AppError);
  return error as AppError;
}

describeMedia("probeVideo", () => {
  it("reads the MS-MPEG4 AVI's facts", async () => {
    const probe = await probeVideo(VTEST_AVI);
    expect(probe).toMatchObject({
      container: "avi",
      width: 768,
      height: 576,
      fps: 10,
      codec: "msmpeg4v3",
      frameCount: 795,
      frameCountSource: "container",
      fileSize: 8131690,
      rotation: 0,
      audio: [],
      hasVideo: true,
      interlaced: false,
    });
    expect(probe.duration).toBeCloseTo(79.5, 1);
    expect(probe.bitRate).toBeGreaterThan(800_000);
    expect(probe.raw.streams.length).toBe(1);
  });

  it("counts packets when the container omits the frame count (MKV)", async () => {
    const probe = await probeVideo(variants.mkv!);
    expect(probe.container).toBe("mkv");
    expect(probe.declaredFrameCount).toBe(0);
    expect(probe.frameCountSource).toBe("counted");
    expect(probe.frameCount).toBe(30);
    expect(probe.duration).toBeCloseTo(3, 1);
  });

  it("tells mov from mp4 and reports audio streams and rotation", async () => {
    expect((await probeVideo(variants.mov!)).container).toBe("mov");
    const withAudio = await probeVideo(variants["mp4-audio"]!);
    expect(withAudio.container).toBe("mp4");
    expect(withAudio.codec).toBe("h264");
    expect(withAudio.audio).toEqual([expect.objectContaining({ codec: "aac", channels: 1, sampleRate: 44100 })]);
    const rotated = await probeVideo(variants.rotated!);
    expect(rotated.rotation % 180).toBe(90);
    expect([rotated.displayWidth, rotated.displayHeight]).toEqual([576, 768]);
  });

  it("says not_found for a missing file", async () => {
    await expect(probeVideo(`${dir}/nope.mp4`)).rejects.toMatchObject({ kind: "not_found" });
  });
});

describeMedia("validateVideo accepts", () => {
  it.each([
    ["the MS-MPEG4 AVI", () => VTEST_AVI, "avi"],
    ["an H.264 MP4", () => variants.mp4!, "mp4"],
    ["an MKV", () => variants.mkv!, "mkv"],
    ["a MOV", () => variants.mov!, "mov"],
    ["an MP4 with audio", () => variants["mp4-audio"]!, "mp4"],
  ])("%s", async (_name, file, container) => {
    const probe = await validateVideo(file());
    expect(probe.container).toBe(container);
  });

  it("checks the user's file name, not the stored one", async () => {
    await expect(validateVideo(variants.mp4!, { fileName: "holiday.MP4" })).resolves.toMatchObject({ container: "mp4" });
    await expect(validateVideo(variants.mp4!, { fileName: "holiday.webm" })).rejects.toMatchObject({
      message: "Unsupported video type",
    });
  });
});

describeMedia("validateVideo refuses", () => {
  it.each<[string, Variant, string | RegExp, ErrorCode?]>([
    ["a zero-byte file", "empty", "Video file is empty", "empty_video"],
    ["a text file named .mp4", "text", "File is not a video", "not_a_video"],
    ["a JPEG named .mp4", "jpeg-as-mp4", "File is not a video", "not_a_video"],
    ["an audio-only MP4", "audio-only", "File is not a video", "not_a_video"],
    ["an MP4 cut before its index", "truncated-mp4", /^Video file is truncated or corrupt: moov atom not found$/],
    ["a faststart MP4 cut in half", "truncated-faststart", /^Video file is truncated or corrupt: /],
    ["an AVI cut in half", "truncated-avi", "Video file is truncated or corrupt: 391 of 795 frames present"],
    ["an FLV", "flv", "Unsupported video type", "unsupported_format"],
    ["a 0.5 s video", "short", "Video is too short (0.5 s, minimum 1 s)"],
    ["a 200x150 video", "small", "Video resolution 200x150 is below the minimum 320x240"],
  ])("%s", async (_name, variant, message, code) => {
    const error = await refusal(variants[variant]!);
    expect(error.kind).toBe("bad_request");
    // The code is what the contracts' edges match (POST /process, POST /upload), not the words.
    expect(error.code).toBe(code);
    if (typeof message === "string") expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
    // Server paths never reach the user.
    expect(error.message).not.toContain(dir);
  });
});
