import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseEbur128Summary, spriteLayout, spriteVtt } from "@/lib/editor/media-analysis";
import { transcriptionsUrl } from "./openai-asr";
import { parsePocketsphinx } from "./pocketsphinx";
import { makeSpeech, wordErrorRate, type Placement } from "./test-speech";
import { offlineLanguage, transcribeWav } from "./transcribe";
import { cuesFromWords, toSrt, toVtt } from "./transcript";

const modelsDir = path.resolve("models");
let dir: string;
let speech: { wav: string; duration: number; placements: Placement[] };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "framewise-speech-"));
  speech = await makeSpeech(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("caption writers", () => {
  const words = [
    { word: "hello", start: 1, end: 1.4, confidence: 0.9 },
    { word: "world", start: 1.5, end: 2.0, confidence: 0.8 },
    { word: "again", start: 3.5, end: 4.25, confidence: 0.7 },
  ];
  test("cues break at pauses; SRT and VTT clocks", () => {
    const cues = cuesFromWords(words);
    expect(cues).toEqual([
      { start: 1, end: 2, text: "hello world" },
      { start: 3.5, end: 4.25, text: "again" },
    ]);
    expect(toSrt(cues)).toBe("1\n00:00:01,000 --> 00:00:02,000\nhello world\n\n2\n00:00:03,500 --> 00:00:04,250\nagain\n");
    expect(toVtt(cues)).toBe("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nhello world\n\n00:00:03.500 --> 00:00:04.250\nagain\n");
    expect(toSrt([{ start: 3723.0456, end: 3724, text: "x" }])).toContain("01:02:03,046 --> 01:02:04,000");
  });
});

describe("parsers", () => {
  test("pocketsphinx -time yes output", () => {
    const out = "the quick brown\n<s> 0.100 0.120 0.999900\nthe 0.130 0.280 0.692088\nread(2) 0.290 0.560 1.000200\n<sil> 0.6 0.7 1.0\n[NOISE] 0.7 0.8 1.0\n</s> 2.9 2.96 1.0\n";
    expect(parsePocketsphinx(out, 10)).toEqual([
      { word: "the", start: 10.13, end: 10.28, confidence: 0.692 },
      { word: "read", start: 10.29, end: 10.56, confidence: 1 },
    ]);
  });

  test("ebur128 summary", () => {
    const stderr = `[Parsed_ebur128_0 @ 0x1] Summary:\n\n  Integrated loudness:\n    I:         -19.5 LUFS\n    Threshold: -30.1 LUFS\n\n  Loudness range:\n    LRA:         6.3 LU\n    Threshold: -40.2 LUFS\n    LRA low:   -24.0 LUFS\n    LRA high:  -17.7 LUFS\n\n  True peak:\n    Peak:       -1.3 dBFS\n`;
    expect(parseEbur128Summary(stderr)).toEqual({ integrated_lufs: -19.5, range_lu: 6.3, true_peak_dbtp: -1.3, threshold_lufs: -30.1 });
    expect(parseEbur128Summary("Summary:\n Integrated loudness:\n I: -70.0 LUFS\n Threshold: -70.0 LUFS\n Loudness range:\n LRA: 0.0 LU\n True peak:\n Peak: -inf dBFS").integrated_lufs).toBeNull();
  });

  test("sprite index", () => {
    const layout = spriteLayout(12, 640, 360);
    expect(layout).toMatchObject({ count: 12, columns: 10, width: 160, height: 90 });
    expect(spriteVtt(layout, "sprite.jpg", 12)).toContain("00:00:11.000 --> 00:00:12.000\nsprite.jpg#xywh=160,90,160,90");
  });

  test("languages and URLs", () => {
    expect(offlineLanguage("en-US")).toBe("en");
    expect(() => offlineLanguage("fr")).toThrow(/no speech model for 'fr'/);
    expect(transcriptionsUrl("http://x:1/")).toBe("http://x:1/v1/audio/transcriptions");
    expect(transcriptionsUrl("http://x:1/v1")).toBe("http://x:1/v1/audio/transcriptions");
  });
});

describe("offline transcription of flite speech", () => {
  test("word error rate at most 0.25, each sentence within 0.5 s of where it was put", async () => {
    const reports: number[] = [];
    const transcript = await transcribeWav(speech.wav, { language: "en", modelsDir, workDir: path.join(dir, "work"), onProgress: (done) => void reports.push(done) });
    expect(transcript.engine).toBe("pocketsphinx+silero-vad");
    const reference = speech.placements.map((p) => p.text).join(" ");
    const wer = wordErrorRate(reference, transcript.words.map((w) => w.word).join(" "));
    console.log(`WER ${wer.toFixed(3)}: ${transcript.text}`);
    expect(wer).toBeLessThanOrEqual(0.25);
    expect(transcript.segments).toHaveLength(speech.placements.length);
    for (const [index, placement] of speech.placements.entries()) {
      const inside = transcript.words.filter((w) => w.start >= placement.start - 0.5 && w.end <= placement.end + 0.5);
      expect(inside.length, placement.text).toBeGreaterThanOrEqual(placement.text.split(" ").length * 0.7);
      expect(Math.abs(inside[0].start - placement.start)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(inside.at(-1)!.end - placement.end)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(transcript.segments[index].start - placement.start)).toBeLessThanOrEqual(0.5);
    }
    for (const word of transcript.words) expect(word.confidence).toBeGreaterThanOrEqual(0);
    // one report per segment, after the VAD's
    expect(reports).toEqual([0, 1, 2, 3]);
  });
});

describe("ASR_BASE_URL", () => {
  test("posts the WAV as OpenAI-compatible multipart and keeps the server's words", async () => {
    let received: { url?: string; type?: string; auth?: string; body: Buffer } = { body: Buffer.alloc(0) };
    const server = http.createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      received = { url: request.url, type: request.headers["content-type"], auth: request.headers.authorization, body: Buffer.concat(chunks) };
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ text: " hello there", language: "english", duration: 9, words: [{ word: " hello", start: 1.5, end: 1.9 }, { word: "there", start: 2, end: 2.3 }], segments: [{ start: 1.5, end: 2.3, text: " hello there" }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const transcript = await transcribeWav(speech.wav, { language: "de", modelsDir, workDir: dir, asr: { baseUrl: `http://127.0.0.1:${port}`, apiKey: "k1", model: "whisper-1" } });
      expect(received.url).toBe("/v1/audio/transcriptions");
      expect(received.auth).toBe("Bearer k1");
      const boundary = /boundary=(.+)$/.exec(received.type ?? "")?.[1];
      expect(boundary).toBeTruthy();
      const text = received.body.toString("latin1");
      const field = (name: string) => new RegExp(`name="${name.replace(/[[\]]/g, "\\$&")}"\\r\\n\\r\\n([^\\r]*)\\r\\n`, "g");
      expect([...text.matchAll(field("model"))].map((m) => m[1])).toEqual(["whisper-1"]);
      expect([...text.matchAll(field("language"))].map((m) => m[1])).toEqual(["de"]);
      expect([...text.matchAll(field("response_format"))].map((m) => m[1])).toEqual(["verbose_json"]);
      expect([...text.matchAll(field("timestamp_granularities[]"))].map((m) => m[1]).sort()).toEqual(["segment", "word"]);
      expect(text).toMatch(/name="file"; filename="speech\.wav"\r\nContent-Type: audio\/wav\r\n\r\nRIFF/);
      expect(transcript).toMatchObject({ engine: "openai-compatible:whisper-1", language: "de", text: "hello there", words: [{ word: "hello", start: 1.5, end: 1.9, confidence: null }, { word: "there" }] });
    } finally {
      server.close();
    }
  });
});
