import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Db } from "@/lib/db/client";
import { appendJobLog, reportProgress } from "@/lib/jobs";
import { reframeFiles } from "./files";
import { listen } from "./shot-content";

/** The speech step of reframe-video: the video's words with their times, to the job's speech file. */
export async function hearSpeech(database: Db, jobId: string, file: string): Promise<{ words: number }> {
  const files = reframeFiles(jobId);
  const report = (processed: number, total: number) => reportProgress(database, jobId, { processed, total: Math.max(1, total), phase: "speech", currentStep: "Listening for speech" });
  await report(0, 1);
  const work = path.join(files.dir, "speech-work");
  try {
    const words = await listen(file, work, (done, total) => void report(done, total));
    await mkdir(files.dir, { recursive: true });
    await writeFile(`${files.speech}.partial`, JSON.stringify(words.map(({ word, start, end }) => ({ word, start, end }))));
    await rename(`${files.speech}.partial`, files.speech);
    await appendJobLog(database, jobId, words.length ? `Speech: ${words.length} words` : "Speech: none heard");
    return { words: words.length };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
