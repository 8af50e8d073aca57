import { NonRetriableError } from "inngest";
import { jobOutput } from "@/lib/jobs/job-output";
import { renderToFile } from "@/lib/media/ffmpeg";
import { summarizeVideo } from "@/lib/videos/summarize-video";
import { jobFunction, nonRetriable } from "./_job-function";

/**
 * transcribe: for now, the real first half of transcription: find the audio stream and
 * extract it as 16 kHz mono PCM, the input speech recognisers take.
 */
export default jobFunction("transcribe", "transcribe", async ({ jobId, source, step, progress }) => {
  const audio = await step.run("extract-audio", async () => {
    await progress(0, 1, "extract-audio");
    const summary = await summarizeVideo(source).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    if (!summary.audio) throw new NonRetriableError("The video has no audio stream to transcribe");
    const output = jobOutput(jobId, "audio.wav");
    await renderToFile(output.file, { input: source.file, outputOptions: ["-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", "-f", "wav"] });
    await progress(1, 1, "extract-audio", `Extracted ${summary.duration_seconds?.toFixed(1) ?? "?"} s of audio`);
    return { audio_path: output.path, duration_seconds: summary.duration_seconds };
  });
  return { audio };
});
