import { writeFile } from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";
import { jobOutput } from "@/lib/jobs/job-output";
import { extractSpeechAudio } from "@/lib/speech/extract-audio";
import { transcribeWav } from "@/lib/speech/transcribe";
import { toSrt, toTxt, toVtt, transcriptCues, type Transcript } from "@/lib/speech/transcript";

/**
 * A video's transcript for a job: its audio as 16 kHz mono PCM (`audio.wav` in the job's
 * media folder), recognised by the configured engine (lib/speech/transcribe.ts). Used by
 * transcribe and by generate_clip, render and export when they need the words.
 */
export async function transcribeFile(
  jobId: string,
  input: string,
  options: { language?: string; signal?: AbortSignal; onProgress?: (done: number, total: number, message?: string) => Promise<void> | void },
): Promise<Transcript> {
  const config = env();
  const audio = jobOutput(jobId, "audio.wav");
  await extractSpeechAudio(input, audio.file, options.signal);
  return transcribeWav(audio.file, {
    language: options.language ?? "en",
    modelsDir: config.modelsDir,
    workDir: path.join(path.dirname(audio.file), ".speech"),
    asr: config.ASR_BASE_URL ? { baseUrl: config.ASR_BASE_URL, apiKey: config.ASR_API_KEY, model: config.ASR_MODEL } : undefined,
    signal: options.signal,
    onProgress: options.onProgress,
  });
}

/** transcript.{srt,vtt,txt,json} in the job's media folder; returns their names by kind. */
export async function writeTranscriptFiles(jobId: string, transcript: Transcript, prefix = "transcript"): Promise<Record<string, string>> {
  const cues = transcriptCues(transcript);
  const outputs = {
    srt: [`${prefix}.srt`, toSrt(cues)],
    vtt: [`${prefix}.vtt`, toVtt(cues)],
    txt: [`${prefix}.txt`, toTxt(transcript)],
    json: [`${prefix}.json`, JSON.stringify(transcript, null, 2)],
  } as const;
  const names: Record<string, string> = {};
  for (const [kind, [name, text]] of Object.entries(outputs)) {
    await writeFile(jobOutput(jobId, name).file, text);
    names[kind] = name;
  }
  return names;
}
