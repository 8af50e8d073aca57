import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { readWav, writeWav } from "../inference/wav";

/**
 * Test speech (not imported by production code): each sentence spoken by Debian's flite
 * (voices rms, slt, awb; notes/offline-toolbox.md), laid at a known time on a 16 kHz track
 * with silence between, and optionally muxed under a test pattern video. `placements` say
 * where each sentence's audio begins and ends on the track.
 */
const run = promisify(execFile);

export const TEST_SENTENCES = [
  { voice: "slt", text: "the quick brown fox jumps over the lazy dog" },
  { voice: "rms", text: "please open the door and turn on the light" },
  { voice: "awb", text: "we will meet again tomorrow morning" },
];

export type Placement = { text: string; start: number; end: number };

export async function makeSpeech(
  dir: string,
  options: { sentences?: { voice: string; text: string }[]; gap?: number; lead?: number; video?: boolean } = {},
): Promise<{ wav: string; video?: string; duration: number; placements: Placement[] }> {
  const sentences = options.sentences ?? TEST_SENTENCES;
  const gap = options.gap ?? 2;
  const rate = 16000;
  const parts: Float32Array[] = [];
  const placements: Placement[] = [];
  let at = options.lead ?? 1.5;
  parts.push(new Float32Array(Math.round(at * rate)));
  for (const [index, sentence] of sentences.entries()) {
    const raw = path.join(dir, `sentence-${index}.raw.wav`);
    const resampled = path.join(dir, `sentence-${index}.wav`);
    await run("flite", ["-voice", sentence.voice, "-t", sentence.text, "-o", raw]);
    await run("ffmpeg", ["-v", "error", "-y", "-i", raw, "-ac", "1", "-ar", String(rate), "-c:a", "pcm_s16le", resampled]);
    const samples = readWav(await readFile(resampled)).samples;
    parts.push(samples, new Float32Array(Math.round(gap * rate)));
    placements.push({ text: sentence.text, start: at, end: at + samples.length / rate });
    at += samples.length / rate + gap;
  }
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const samples = new Float32Array(total);
  let offset = 0;
  for (const part of parts) {
    samples.set(part, offset);
    offset += part.length;
  }
  const wav = path.join(dir, "speech.wav");
  await writeFile(wav, writeWav({ sampleRate: rate, samples }));
  const duration = total / rate;
  if (!options.video) return { wav, duration, placements };
  const video = path.join(dir, "speech.mp4");
  await run("ffmpeg", [
    "-v", "error", "-y", "-f", "lavfi", "-i", `testsrc=duration=${duration.toFixed(3)}:size=640x360:rate=15`, "-i", wav,
    "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", video,
  ]);
  return { wav, video, duration, placements };
}

/** Word error rate: word-level edit distance over the reference's length. */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const ref = reference.toLowerCase().split(/\s+/).filter(Boolean);
  const hyp = hypothesis.toLowerCase().split(/\s+/).filter(Boolean);
  const row = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= hyp.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return ref.length ? row[hyp.length] / ref.length : 0;
}
