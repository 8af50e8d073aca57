import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestWorker } from "@/lib/inference/test-worker";
import { makeSpeech, wordErrorRate, type Placement } from "@/lib/speech/test-speech";
import { describeShot, importanceOf } from "./scenes";
import { cutKeyframes, hasAudio, listen, readKeyframeText, speechIn } from "./shot-content";

const run = promisify(execFile);
const font = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

// A video made here: a plain background with a caption drawn by ffmpeg (drawtext), changing
// at a cut, over flite speech laid at known times; and the same picture without audio.
let dir: string;
let video: string;
let silent: string;
let placements: Placement[];
let cut: number;
let duration: number;
let stopWorker: () => Promise<void>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "framewise-shot-content-"));
  const speech = await makeSpeech(dir, { sentences: [{ voice: "slt", text: "the quick brown fox jumps over the lazy dog" }, { voice: "rms", text: "please open the door and turn on the light" }] });
  placements = speech.placements;
  duration = speech.duration;
  cut = (placements[0].end + placements[1].start) / 2;
  const caption = (text: string, from: number, to: number) =>
    `drawtext=fontfile=${font}:text='${text}':fontsize=56:fontcolor=white:x=(w-tw)/2:y=(h-th)/2:enable='between(t,${from.toFixed(2)},${to.toFixed(2)})'`;
  const picture = ["-f", "lavfi", "-i", `color=c=0x203060:s=640x360:r=10:d=${duration.toFixed(2)}`];
  const filters = `${caption("SUMMER SALE", 0, cut - 0.05)},${caption("OPEN TODAY", cut, duration)}`;
  video = path.join(dir, "captioned.mp4");
  await run("ffmpeg", ["-v", "error", "-y", ...picture, "-i", speech.wav, "-vf", filters, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", video]);
  silent = path.join(dir, "silent.mp4");
  await run("ffmpeg", ["-v", "error", "-y", ...picture, "-vf", filters, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", silent]);
  const worker = await startTestWorker({ WORKER_ALLOWED_ROOTS: dir, WORKER_CONCURRENCY: "1" });
  stopWorker = () => worker.stop();
}, 120_000);

afterAll(async () => {
  await stopWorker?.();
  await rm(dir, { recursive: true, force: true });
});

const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, "");

describe("what a shot shows and says", () => {
  it("reads each shot's caption on its keyframe and hears each shot's sentence", async () => {
    const shots = [
      { start: 0, end: cut },
      { start: cut, end: duration },
    ];
    const keyframes = await cutKeyframes(video, shots, path.join(dir, "keyframes"), { width: 640, height: 360 });
    expect(keyframes.map((file) => path.basename(file))).toEqual(["scene-001.jpg", "scene-002.jpg"]);
    const texts = await readKeyframeText(keyframes);
    expect(texts[0].map(squash)).toContain("summersale");
    expect(texts[1].map(squash)).toContain("opentoday");

    expect(await hasAudio(video)).toBe(true);
    const words = await listen(video, path.join(dir, "listen"));
    const heard = shots.map((shot) => speechIn(words, shot));
    expect(wordErrorRate(placements[0].text, heard[0] ?? "")).toBeLessThanOrEqual(0.34);
    expect(wordErrorRate(placements[1].text, heard[1] ?? "")).toBeLessThanOrEqual(0.34);

    const content = { text: texts[0], speech: heard[0] };
    const description = describeShot([], cut, content);
    expect(description).toMatch(/^No tracked people or objects; text on screen: "SUMMER ?SALE"; speech: "[a-z ]+" \(\d+\.\d s\)$/i);
    expect(description).toContain(heard[0]!);
    expect(importanceOf([], content)).toBe(importanceOf([]) + 2);
  }, 300_000);

  it("hears nothing in a video without audio, and a shot with no words has no speech", async () => {
    expect(await hasAudio(silent)).toBe(false);
    expect(await listen(silent, path.join(dir, "listen-silent"))).toEqual([]);
    expect(speechIn([{ word: "hello", start: 1, end: 1.4 }], { start: 2, end: 3 })).toBeNull();
    expect(speechIn([{ word: "hello", start: 1.9, end: 2.3 }], { start: 2, end: 3 })).toBe("hello"); // by its middle
    expect(describeShot([], 1, { text: [], speech: null })).toBe("No tracked people or objects (1.0 s)");
  });
});
