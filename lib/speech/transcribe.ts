import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { AppError } from "@/lib/errors";
import { readWav, writeWav } from "@/lib/inference/wav";
import { transcribeRemote } from "./openai-asr";
import { POCKETSPHINX_LANGUAGES, recognise } from "./pocketsphinx";
import type { Transcript, TranscriptSegment, TranscriptWord } from "./transcript";
import { detectSpeech } from "./vad";

/**
 * Speech to text of a 16 kHz mono WAV. Offline (the default): Silero VAD finds the speech,
 * pocketsphinx recognises each stretch on its own (times shifted back to the file's clock),
 * one progress report per stretch. With `asrBaseUrl`: the whole file goes to an
 * OpenAI-compatible server instead. `engine` says which ran.
 */
export type TranscribeOptions = {
  language: string;
  modelsDir: string;
  workDir: string;
  asr?: { baseUrl: string; apiKey?: string; model: string };
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message?: string) => Promise<void> | void;
};

/** The language code the offline engine has a model for, or a clear refusal. */
export function offlineLanguage(language: string | undefined): string {
  const code = (language ?? "en").toLowerCase().split(/[-_]/)[0];
  if ((POCKETSPHINX_LANGUAGES as readonly string[]).includes(code)) return code;
  throw new AppError(
    "bad_request",
    `Request body 'language': no speech model for '${language}' here; available: ${POCKETSPHINX_LANGUAGES.join(", ")} (set ASR_BASE_URL for a server that has one)`,
  );
}

/** pocketsphinx processes run at once (a 2-core box). */
const RECOGNISERS = 2;

export async function transcribeWav(wavFile: string, options: TranscribeOptions): Promise<Transcript> {
  if (options.asr) {
    const pcmDuration = readWav(await readFile(wavFile)).samples.length / 16000;
    await options.onProgress?.(0, 1);
    const transcript = await transcribeRemote(wavFile, { ...options.asr, language: options.language, duration: pcmDuration, signal: options.signal });
    await options.onProgress?.(1, 1, `Transcribed by ${transcript.engine}: ${transcript.words.length} words`);
    return transcript;
  }
  const language = offlineLanguage(options.language);
  const { duration, segments: speech } = await detectSpeech(wavFile, { modelsDir: options.modelsDir, signal: options.signal });
  await options.onProgress?.(0, speech.length, `Voice activity: ${speech.length} stretches of speech in ${duration.toFixed(1)} s`);
  const pcm = readWav(await readFile(wavFile));
  await mkdir(options.workDir, { recursive: true });
  // Two recognisers at once: each pocketsphinx process spends a good part of its time loading
  // the model, so a second one keeps both cores busy. Results are put back in order.
  const heardBy: TranscriptWord[][] = new Array(speech.length);
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < speech.length) {
      const index = next++;
      const stretch = speech[index];
      const file = path.join(options.workDir, `speech-${index}.wav`);
      const from = Math.floor(stretch.start * pcm.sampleRate);
      const to = Math.ceil(stretch.end * pcm.sampleRate);
      await writeFile(file, writeWav({ sampleRate: pcm.sampleRate, samples: pcm.samples.subarray(from, to) }));
      const heard = await recognise(file, { offset: from / pcm.sampleRate, signal: options.signal });
      await rm(file, { force: true });
      heardBy[index] = heard;
      finished++;
      await options.onProgress?.(finished, speech.length, `Segment ${index + 1}/${speech.length} (${stretch.start.toFixed(1)}-${stretch.end.toFixed(1)} s): ${heard.length} words`);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(RECOGNISERS, speech.length) }, worker));
  } finally {
    await rm(options.workDir, { recursive: true, force: true });
  }
  const words = heardBy.flat();
  const segments: TranscriptSegment[] = speech.map((stretch, index) => ({ start: stretch.start, end: stretch.end, text: heardBy[index].map((w) => w.word).join(" ") }));
  return {
    engine: "pocketsphinx+silero-vad",
    language,
    text: segments.map((s) => s.text).filter(Boolean).join(" "),
    duration,
    words,
    segments,
  };
}
