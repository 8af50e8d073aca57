import { NonRetriableError } from "inngest";
import { transcribeFile, writeTranscriptFiles } from "@/lib/editor/transcribe-source";
import { cancellable, jobFileUrl } from "@/lib/jobs/job-files";
import { summarizeVideo } from "@/lib/videos/summarize-video";
import { jobFunction, nonRetriable } from "./_job-function";

/**
 * transcribe: the audio as 16 kHz mono PCM, Silero VAD for the stretches of speech and
 * pocketsphinx on each (or the OpenAI-compatible server at ASR_BASE_URL on the whole), one
 * progress report per stretch; the transcript in result_payload and as SRT, VTT, TXT, JSON.
 */
export default jobFunction("transcribe", "transcribe", async ({ jobId, payload, source, step, progress }) => {
  const done = await step.run("transcribe", async () => {
    await progress(0, 1, "extract-audio");
    const summary = await summarizeVideo(source).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    if (!summary.audio) throw new NonRetriableError("The video has no audio stream to transcribe");
    const transcript = await cancellable(jobId, (signal) =>
      transcribeFile(jobId, source.file, {
        language: payload.language,
        signal,
        onProgress: (processed, total, message) => progress(processed, Math.max(1, total), "recognise", message),
      }),
    ).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    const names = await writeTranscriptFiles(jobId, transcript);
    const files = Object.fromEntries([...Object.entries(names), ["audio", "audio.wav"]].map(([kind, name]) => [kind, jobFileUrl(jobId, name)]));
    return { transcript, files };
  });
  return done;
});
