import { eq } from "drizzle-orm";
import { rm } from "node:fs/promises";
import path from "node:path";
import { db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { ownerCaller } from "@/lib/jobs";
import { jobOutput } from "@/lib/jobs/job-output";
import { transcribeWav } from "@/lib/speech/transcribe";
import { cuesFromWords, type Cue, type TranscriptWord } from "@/lib/speech/transcript";
import { env } from "@/lib/env";
import { resolveSource, type ResolvedSource, type SourceReference } from "@/lib/videos/resolve-source";
import { summarizeVideo } from "@/lib/videos/summarize-video";
import { extractSpeechAudio } from "@/lib/speech/extract-audio";
import type { TimelineSegment } from "./render";

/**
 * A render's timeline from its payload: each segment's video resolved for the job's owner
 * (the same rule as the payload's own source), probed once per file, its range clamped to it.
 */
export async function resolveTimeline(
  jobId: string,
  main: ResolvedSource,
  segments: { source_asset_id?: string; video_name?: string; in: number; out: number }[] | undefined,
): Promise<TimelineSegment[]> {
  const database = await db();
  const [job] = await database.select({ ownerId: jobs.ownerId }).from(jobs).where(eq(jobs.id, jobId));
  const caller = await ownerCaller(database, job?.ownerId ?? null);
  const probed = new Map<string, Awaited<ReturnType<typeof summarizeVideo>>>();
  const summary = async (source: ResolvedSource) => {
    if (!probed.has(source.file)) probed.set(source.file, await summarizeVideo(source));
    return probed.get(source.file)!;
  };
  const wanted = segments ?? [{ in: 0, out: Number.POSITIVE_INFINITY }];
  const timeline: TimelineSegment[] = [];
  for (const [index, segment] of wanted.entries()) {
    const reference: SourceReference | null = segment.source_asset_id
      ? { source_asset_id: segment.source_asset_id }
      : segment.video_name
        ? { video_name: segment.video_name }
        : null;
    const source = reference ? await resolveSource(database, caller, reference, jobId) : main;
    const info = await summary(source);
    if (!info.video) throw new AppError("bad_request", `Segment ${index + 1}: the video has no picture`);
    const duration = info.duration_seconds ?? 0;
    const out = Math.min(segment.out, duration);
    if (segment.in >= out) throw new AppError("bad_request", `Segment ${index + 1}: starts at ${segment.in} s, past the video's end (${duration.toFixed(2)} s)`);
    timeline.push({ file: source.file, in: segment.in, out, hasAudio: Boolean(info.audio), width: info.video.width, height: info.video.height });
  }
  return timeline;
}

/**
 * Captions for a timeline, on the output's clock: each segment's speech recognised on its own
 * (lib/speech/transcribe.ts), its words shifted by where the segment lands.
 */
export async function timelineCaptions(
  jobId: string,
  timeline: TimelineSegment[],
  options: { language: string; signal?: AbortSignal },
): Promise<{ cues: Cue[]; words: TranscriptWord[]; engine: string | null }> {
  const config = env();
  const words: TranscriptWord[] = [];
  let offset = 0;
  let engine: string | null = null;
  for (const [index, segment] of timeline.entries()) {
    if (segment.hasAudio) {
      const wav = jobOutput(jobId, `.captions-${index}.wav`).file;
      await extractSpeechAudio(segment.file, wav, options.signal, { start: segment.in, end: segment.out });
      const transcript = await transcribeWav(wav, {
        language: options.language,
        modelsDir: config.modelsDir,
        workDir: path.join(path.dirname(wav), `.speech-${index}`),
        asr: config.ASR_BASE_URL ? { baseUrl: config.ASR_BASE_URL, apiKey: config.ASR_API_KEY, model: config.ASR_MODEL } : undefined,
        signal: options.signal,
      }).finally(() => rm(wav, { force: true }));
      engine = transcript.engine;
      words.push(...transcript.words.map((w) => ({ ...w, start: w.start + offset, end: w.end + offset })));
    }
    offset += segment.out - segment.in;
  }
  return { cues: cuesFromWords(words, { maxChars: 24, maxSeconds: 3 }), words, engine };
}
