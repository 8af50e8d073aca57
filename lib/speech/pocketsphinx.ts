import { spawn } from "node:child_process";
import { FfmpegAbortError } from "@/lib/media/ffmpeg";
import type { TranscriptWord } from "./transcript";

/**
 * Debian's pocketsphinx (`pocketsphinx_continuous`, package `pocketsphinx`, US English model
 * from `pocketsphinx-en-us`) on one 16 kHz mono WAV: `-time yes` prints, after each
 * utterance's hypothesis, one line per word: `word start end posterior`. Fillers (`<s>`,
 * `</s>`, `<sil>`, `[NOISE]`, `++…++`) are dropped and alternate pronunciations (`read(2)`)
 * named by their word.
 */
export const POCKETSPHINX_BINARY = "pocketsphinx_continuous";
/** Languages a model is installed for here (Debian ships US English only). */
export const POCKETSPHINX_LANGUAGES = ["en"] as const;

const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;

export function parsePocketsphinx(output: string, offset = 0): TranscriptWord[] {
  const words: TranscriptWord[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = WORD_LINE.exec(line.trim());
    if (!match) continue;
    const token = match[1];
    if (/^<.*>$/.test(token) || /^\[.*\]$/.test(token) || /^\+\+.*\+\+$/.test(token)) continue;
    words.push({
      word: token.replace(/\(\d+\)$/, ""),
      start: round(offset + Number(match[2])),
      end: round(offset + Number(match[3])),
      confidence: Math.min(1, Math.max(0, round(Number(match[4])))),
    });
  }
  return words;
}

export async function recognise(wavFile: string, options: { offset?: number; signal?: AbortSignal } = {}): Promise<TranscriptWord[]> {
  if (options.signal?.aborted) throw new FfmpegAbortError("cancelled");
  const child = spawn(POCKETSPHINX_BINARY, ["-infile", wavFile, "-time", "yes", "-logfn", "/dev/null"], { stdio: ["ignore", "pipe", "pipe"] });
  const onAbort = () => child.kill("SIGKILL");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => (out += text));
  child.stderr.setEncoding("utf8").on("data", (text: string) => (err = (err + text).slice(-2000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "ENOENT" ? new Error(`${POCKETSPHINX_BINARY} is not installed (Debian: apt-get install pocketsphinx pocketsphinx-en-us)`) : error),
    );
    child.once("close", resolve);
  }).finally(() => options.signal?.removeEventListener("abort", onAbort));
  if (options.signal?.aborted) throw new FfmpegAbortError("cancelled");
  if (code !== 0) throw new Error(`Speech recognition failed (exit ${code}): ${err.trim().split("\n").at(-1) ?? ""}`);
  return parsePocketsphinx(out, options.offset ?? 0);
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
