import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, onTestFinished, test } from "vitest";
import { startTestWorker } from "@/lib/inference/test-worker";
import { analyzeImages, type WorkerOcrLine } from "@/lib/inference/worker-client";
import { ffmpegCli } from "@/lib/media/test-media";
import { probeJson } from "@/lib/media/ffmpeg";
import { makeSpeech } from "@/lib/speech/test-speech";
import { transcribeWav } from "@/lib/speech/transcribe";
import { cuesFromWords } from "@/lib/speech/transcript";
import { loudnessAndShots } from "./media-analysis";
import { captionsAss, renderTimeline, type RenderSpec } from "./render";

let dir: string;
let video: string;
let duration: number;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "framewise-render-"));
  const made = await makeSpeech(dir, { video: true });
  video = made.video!;
  duration = made.duration;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("a 9:16 render with burned captions and an overlay, normalised to -14 LUFS, +faststart", async () => {
  const transcript = await transcribeWav(path.join(dir, "speech.wav"), { language: "en", modelsDir: path.resolve("models"), workDir: path.join(dir, "w") });
  const ass = path.join(dir, "captions.ass");
  await writeFile(ass, captionsAss(cuesFromWords(transcript.words), 360, 640));
  const text = path.join(dir, "overlay.txt");
  await writeFile(text, "Framewise");
  const spec: RenderSpec = {
    segments: [
      { file: video, in: 1, out: 5, hasAudio: true, width: 640, height: 360 },
      { file: video, in: 6.5, out: 9.5, hasAudio: true, width: 640, height: 360 },
    ],
    height: 640,
    aspect: { w: 9, h: 16 },
    assFile: ass,
    overlay: { textFile: text, position: "top" },
    loudnessTarget: -14,
  };
  const fractions: number[] = [];
  const output = path.join(dir, "out.mp4");
  const made = await renderTimeline(spec, output, { onProgress: (f) => fractions.push(f) });
  expect(made).toEqual({ duration: 7, width: 360, height: 640 });
  expect(fractions.length).toBeGreaterThan(0);
  expect(fractions.at(-1)).toBeGreaterThan(0.9);
  const probe = (await probeJson(output, ["-show_entries", "stream=codec_name,width,height:format=duration"])) as { streams: { codec_name: string; width?: number; height?: number }[]; format: { duration: string } };
  expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(["aac", "h264"]);
  expect(probe.streams.find((s) => s.codec_name === "h264")).toMatchObject({ width: 360, height: 640 });
  expect(Number(probe.format.duration)).toBeCloseTo(7, 0);
  const { loudness } = await loudnessAndShots(output, 7, { hasAudio: true, hasVideo: false });
  expect(loudness!.integrated_lufs!).toBeGreaterThan(-15.5);
  expect(loudness!.integrated_lufs!).toBeLessThan(-12.5);
  // +faststart: the moov atom comes before mdat.
  const handle = await open(output, "r");
  const head = Buffer.alloc(64 * 1024);
  await handle.read(head, 0, head.length, 0);
  await handle.close();
  const moov = head.indexOf("moov");
  const mdat = head.indexOf("mdat");
  expect(moov).toBeGreaterThan(0);
  expect(mdat === -1 || moov < mdat).toBe(true);
  expect(duration).toBeGreaterThan(9.5);
});

test("burned captions read back with the OCR model where speech is, and not in the silence", async () => {
  const modelsDir = path.resolve("models");
  // The OCR model read through the worker, as the app reads it (POST /v1/images).
  const worker = await startTestWorker({ WORKER_ALLOWED_ROOTS: dir, WORKER_CONCURRENCY: "1" });
  onTestFinished(() => worker.stop());
  const transcript = await transcribeWav(path.join(dir, "speech.wav"), { language: "en", modelsDir, workDir: path.join(dir, "w2") });
  const cues = cuesFromWords(transcript.words, { maxChars: 24, maxSeconds: 3 });
  const ass = path.join(dir, "captions2.ass");
  await writeFile(ass, captionsAss(cues, 640, 360));
  const output = path.join(dir, "captioned.mp4");
  await renderTimeline({ segments: [{ file: video, in: 0, out: duration, hasAudio: true, width: 640, height: 360 }], height: 360, assFile: ass, loudnessTarget: null }, output);
  const lowerText = async (t: number) => {
    const frame = path.join(dir, `frame-${t.toFixed(3)}.png`);
    await ffmpegCli(["-ss", t.toFixed(3), "-i", output, "-frames:v", "1", frame]);
    const lines: WorkerOcrLine[] = [];
    for await (const image of analyzeImages([frame], ["ocr"])) lines.push(...(image.ocr ?? []));
    return lines
      .filter((line) => line.bbox.y > 360 * 0.55)
      .map((line) => line.text.toLowerCase())
      .join(" ");
  };
  const cue = cues[0];
  const read = await lowerText((cue.start + cue.end) / 2);
  const said = cue.text.split(" ").filter((w) => w.length >= 4);
  expect(said.some((word) => read.replace(/\s+/g, "").includes(word)), `OCR read "${read}" for "${cue.text}"`).toBe(true);
  expect(await lowerText(0.5)).not.toMatch(/[a-z]{4}/);
}, 180_000);
