import { NonRetriableError } from "inngest";
import { db } from "@/lib/db/client";
import { jobFunction } from "./_job-function";
import { jobOutput, probe, resolveSource } from "./_media";
import { renderToFile } from "@/lib/media/ffmpeg";

/**
 * transcribe: for now, the real first half of transcription: find the audio stream and
 * extract it as 16 kHz mono PCM, the input speech recognisers take.
 */
export default jobFunction("transcribe", "transcribe", async ({ jobId, payload, step, progress }) => {
  const audio = await step.run("extract-audio", async () => {
    await progress(0, 1, "extract-audio");
    const file = await resolveSource(await db(), payload);
    const summary = await probe(file);
    if (!summary.audio) throw new NonRetriableError("The video has no audio stream to transcribe");
    const output = jobOutput(jobId, "audio.wav");
    await renderToFile(output, { input: file, outputOptions: ["-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", "-f", "wav"] });
    await progress(1, 1, "extract-audio", `Extracted ${summary.duration_seconds?.toFixed(1) ?? "?"} s of audio`);
    return { audio_path: output, duration_seconds: summary.duration_seconds };
  });
  return { audio };
});
