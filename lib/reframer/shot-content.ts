import { mkdir } from "node:fs/promises";
import path from "node:path";
import { analyzeImages } from "@/lib/inference/worker-client";
import { env } from "@/lib/env";
import { execFfmpeg, ffmpegInput, probeJson } from "@/lib/media/ffmpeg";
import { extractSpeechAudio } from "@/lib/speech/extract-audio";
import { transcribeWav } from "@/lib/speech/transcribe";
import type { TranscriptWord } from "@/lib/speech/transcript";
import type { Shot } from "@/lib/shots/detect-shots";

/**
 * What a shot shows and says beyond its tracked objects (README "Video Reframer", "scenes"):
 * - text on screen: the worker's OCR (PP-OCRv4) on the shot's keyframe, the frame at its
 *   middle; lines read with confidence >= 0.8 that hold at least two letters or digits, in
 *   reading order, repeats dropped, at most 5;
 * - speech: the video's audio through the speech engine the editor's transcribe job uses
 *   (Silero VAD + pocketsphinx here, or ASR_BASE_URL), each word given to the shot holding its
 *   middle.
 * The keyframes are kept in the job's folder: the LLM describer sends them.
 */
export type ShotContent = { text: string[]; speech: string | null };

const KEYFRAMES_PER_RUN = 16;
const MIN_TEXT_CONFIDENCE = 0.8;
const MAX_TEXT_LINES = 5;

export const keyframeTime = (shot: Pick<Shot, "start" | "end">) => (shot.start + shot.end) / 2;

/** One JPEG per shot (its middle), `dir/scene-001.jpg`...: one ffmpeg run per 16 shots, each an input seeking to its time. */
export async function cutKeyframes(file: string, shots: Pick<Shot, "start" | "end">[], dir: string, frame: { width: number; height: number }): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  // At most 960 pixels on the long side: the OCR reads at that size, and a keyframe sent to a model stays small.
  const scale = Math.min(1, 960 / Math.max(frame.width, frame.height));
  const even = (value: number) => Math.max(2, Math.round(value / 2) * 2);
  const size = `${even(frame.width * scale)}:${even(frame.height * scale)}`;
  const outputs = shots.map((_, i) => path.join(dir, `scene-${String(i + 1).padStart(3, "0")}.jpg`));
  for (let from = 0; from < shots.length; from += KEYFRAMES_PER_RUN) {
    const batch = shots.slice(from, from + KEYFRAMES_PER_RUN);
    const args = ["-y", "-v", "error"];
    for (const shot of batch) args.push("-ss", keyframeTime(shot).toFixed(3), "-i", ffmpegInput(file));
    batch.forEach((_, k) => args.push("-map", `${k}:v:0`, "-frames:v", "1", "-vf", `scale=${size}`, "-q:v", "3", `file:${outputs[from + k]}`));
    await execFfmpeg(args);
  }
  return outputs;
}

/** The text lines read on each keyframe (see ShotContent). */
export async function readKeyframeText(keyframes: string[]): Promise<string[][]> {
  const read = keyframes.map(() => [] as string[]);
  if (keyframes.length === 0) return read;
  for await (const line of analyzeImages(keyframes, ["ocr"])) {
    const k = keyframes.indexOf(line.path);
    if (k < 0) continue;
    const seen = new Set<string>();
    for (const found of line.ocr ?? []) {
      const text = found.text.trim().replace(/\s+/g, " ");
      if (found.confidence < MIN_TEXT_CONFIDENCE || (text.match(/[\p{L}\p{N}]/gu) ?? []).length < 2 || seen.has(text.toLowerCase())) continue;
      seen.add(text.toLowerCase());
      read[k].push(text);
      if (read[k].length >= MAX_TEXT_LINES) break;
    }
  }
  return read;
}

export async function hasAudio(file: string): Promise<boolean> {
  const probe = (await probeJson(file, ["-select_streams", "a:0", "-show_entries", "stream=codec_type"])) as { streams?: unknown[] };
  return (probe.streams?.length ?? 0) > 0;
}

/** The video's words with their times, or none when it has no audio track. */
export async function listen(file: string, workDir: string, onProgress?: (done: number, total: number) => void): Promise<TranscriptWord[]> {
  if (!(await hasAudio(file))) return [];
  const config = env();
  await mkdir(workDir, { recursive: true });
  const wav = path.join(workDir, "audio.wav");
  await extractSpeechAudio(file, wav);
  const transcript = await transcribeWav(wav, {
    language: "en",
    modelsDir: config.modelsDir,
    workDir: path.join(workDir, ".speech"),
    asr: config.ASR_BASE_URL ? { baseUrl: config.ASR_BASE_URL, apiKey: config.ASR_API_KEY, model: config.ASR_MODEL } : undefined,
    onProgress: (done, total) => onProgress?.(done, total),
  });
  return transcript.words;
}

/** The words of one shot (by their middles), or null when nothing was said in it. */
export function speechIn(words: Pick<TranscriptWord, "word" | "start" | "end">[], shot: Pick<Shot, "start" | "end">): string | null {
  const said = words.filter((word) => {
    const middle = (word.start + word.end) / 2;
    return middle >= shot.start && middle < shot.end;
  });
  return said.length ? said.map((word) => word.word).join(" ") : null;
}
