/**
 * Editor benchmarks (not a test): `npx tsx scripts/bench-editor.ts [--repeat 2] [--smoke]`
 * `--smoke` (for npm test): one sentence, one run of each.
 *
 * 1. transcribe's realtime factor: seconds of speech audio per second of work for the offline
 *    engine (Silero VAD + pocketsphinx, lib/speech/transcribe.ts) on flite speech with pauses
 *    (target at least 2x on 2 cores).
 * 2. render against bare ffmpeg: lib/editor/render.ts renderTimeline() (two segments, 9:16
 *    centre crop, burned captions, loudnorm -14 LUFS, atomic write, -progress parsing) against
 *    the plain ffmpeg CLI running the very same arguments (target at most 1.1x).
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { captionsAss, renderArgs, renderTimeline, type RenderSpec } from "@/lib/editor/render";
import { makeSpeech, TEST_SENTENCES } from "@/lib/speech/test-speech";
import { transcribeWav } from "@/lib/speech/transcribe";
import { cuesFromWords } from "@/lib/speech/transcript";

const argv = process.argv.slice(2);
const smoke = argv.includes("--smoke");
const repeat = argv.includes("--repeat") ? Number(argv[argv.indexOf("--repeat") + 1]) || 2 : smoke ? 1 : 2;
const dir = await mkdtemp(path.join(os.tmpdir(), "framewise-bench-editor-"));
try {
  const sentences = smoke ? TEST_SENTENCES.slice(0, 1) : [...TEST_SENTENCES, ...TEST_SENTENCES, ...TEST_SENTENCES];
  const speech = await makeSpeech(dir, { sentences, gap: 1.5, video: true });
  const modelsDir = path.resolve("models");
  let best = Infinity;
  let words = 0;
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    const transcript = await transcribeWav(speech.wav, { language: "en", modelsDir, workDir: path.join(dir, `w${i}`) });
    best = Math.min(best, (performance.now() - started) / 1000);
    words = transcript.words.length;
  }
  if (words === 0) throw new Error("the transcript has no words");
  console.log(`transcribe: ${speech.duration.toFixed(1)} s of audio (${sentences.length} sentences, ${words} words) in ${best.toFixed(2)} s: realtime factor ${(speech.duration / best).toFixed(1)}x (target >= 2x)`);

  const transcript = await transcribeWav(speech.wav, { language: "en", modelsDir, workDir: path.join(dir, "wr") });
  const ass = path.join(dir, "captions.ass");
  await writeFile(ass, captionsAss(cuesFromWords(transcript.words), 720, 1280));
  const half = speech.duration / 2;
  const spec: RenderSpec = {
    segments: [
      { file: speech.video!, in: 0, out: half, hasAudio: true, width: 640, height: 360 },
      { file: speech.video!, in: half, out: speech.duration, hasAudio: true, width: 640, height: 360 },
    ],
    height: 1280,
    aspect: { w: 9, h: 16 },
    assFile: ass,
    loudnessTarget: -14,
  };
  let ours = Infinity;
  let bare = Infinity;
  for (let i = 0; i < repeat; i++) {
    let started = performance.now();
    await renderTimeline(spec, path.join(dir, `ours-${i}.mp4`), { onProgress: () => undefined });
    ours = Math.min(ours, (performance.now() - started) / 1000);
    started = performance.now();
    const result = spawnSync("ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", ...renderArgs(spec, path.join(dir, `bare-${i}.mp4`))], { stdio: "inherit" });
    if (result.status !== 0) throw new Error("bare ffmpeg failed");
    bare = Math.min(bare, (performance.now() - started) / 1000);
  }
  console.log(`render: ${speech.duration.toFixed(1)} s at 720x1280 with captions and loudnorm: ours ${ours.toFixed(2)} s, bare ffmpeg ${bare.toFixed(2)} s: ${(ours / bare).toFixed(3)}x (target <= 1.1x)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
