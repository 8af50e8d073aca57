import { describe, expect, it } from "vitest";
import { FfmpegAbortError, FfmpegError, lastLines, parseTimemark, streamFfmpeg } from "./ffmpeg";

const testsrc = (seconds: number) => ["-v", "error", "-f", "lavfi", "-i", `testsrc=size=64x48:rate=25:duration=${seconds}`, "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"];

describe("ffmpeg runner", () => {
  it("parses ffmpeg's time= stats", () => {
    expect(parseTimemark("frame=  120 fps= 60 q=28.0 size=     256kB time=00:01:02.50 bitrate= 33.5kbits/s")).toBe(62.5);
    expect(parseTimemark("time=01:00:00.00")).toBe(3600);
    expect(parseTimemark("time=N/A bitrate=N/A")).toBeUndefined();
  });

  it("keeps the last meaningful stderr lines", () => {
    expect(lastLines("header\nframe=1 fps=0\nError opening input\nConversion failed!\n", 2)).toBe("Error opening input; Conversion failed!");
  });

  it("streams stdout with backpressure and every byte", async () => {
    let bytes = 0;
    for await (const chunk of streamFfmpeg(testsrc(1))) bytes += chunk.length;
    expect(bytes).toBe(25 * 64 * 48 * 3);
  });

  it("kills ffmpeg when the consumer stops early", async () => {
    const started = Date.now();
    for await (const _chunk of streamFfmpeg(testsrc(600))) break;
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("reports a failed run with ffmpeg's reason, and cancellation", async () => {
    const consume = async (args: string[], signal?: AbortSignal) => {
      for await (const _chunk of streamFfmpeg(args, { signal })) {
        // drain
      }
    };
    await expect(consume(["-v", "error", "-i", "file:/nonexistent/x.mp4", "-f", "null", "-"])).rejects.toBeInstanceOf(FfmpegError);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(consume(testsrc(600), controller.signal)).rejects.toBeInstanceOf(FfmpegAbortError);
  });
});
