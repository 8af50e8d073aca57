import { openAsBlob } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Transcript } from "./transcript";

/**
 * An OpenAI-compatible speech-to-text server (OpenAI, whisper.cpp's server, faster-whisper
 * servers): `POST <base>/v1/audio/transcriptions`, multipart with `file`, `model`,
 * `language`, `response_format=verbose_json` and word and segment timestamps. A base URL that
 * already ends in /v1 is not given a second one.
 */
const verboseJson = z.object({
  text: z.string(),
  language: z.string().optional(),
  duration: z.number().optional(),
  words: z.array(z.object({ word: z.string(), start: z.number(), end: z.number(), probability: z.number().optional() })).optional(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })).optional(),
});

export function transcriptionsUrl(base: string): string {
  const trimmed = base.replace(/\/+$/, "");
  return `${trimmed.endsWith("/v1") ? trimmed : `${trimmed}/v1`}/audio/transcriptions`;
}

export async function transcribeRemote(
  wavFile: string,
  options: { baseUrl: string; apiKey?: string; model: string; language: string; duration: number; signal?: AbortSignal },
): Promise<Transcript> {
  const form = new FormData();
  form.append("file", await openAsBlob(wavFile, { type: "audio/wav" }), path.basename(wavFile));
  form.append("model", options.model);
  form.append("language", options.language);
  form.append("response_format", "verbose_json");
  form.append("timestamp_granularities[]", "word");
  form.append("timestamp_granularities[]", "segment");
  const url = transcriptionsUrl(options.baseUrl);
  const response = await fetch(url, {
    method: "POST",
    body: form,
    headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
    signal: options.signal,
  }).catch((error: unknown) => {
    if (options.signal?.aborted) throw error;
    throw new Error(`The speech-to-text server at ASR_BASE_URL could not be reached: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (!response.ok) throw new Error(`The speech-to-text server answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  const parsed = verboseJson.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new Error("The speech-to-text server's answer is not verbose_json");
  const body = parsed.data;
  const words = (body.words ?? []).map((w) => ({ word: w.word.trim(), start: w.start, end: w.end, confidence: w.probability ?? null })).filter((w) => w.word);
  const segments = (body.segments ?? []).map((s) => ({ start: s.start, end: s.end, text: s.text.trim() }));
  return {
    engine: `openai-compatible:${options.model}`,
    language: options.language,
    text: body.text.trim(),
    duration: body.duration ?? options.duration,
    words,
    segments: segments.length ? segments : body.text.trim() ? [{ start: 0, end: body.duration ?? options.duration, text: body.text.trim() }] : [],
  };
}
