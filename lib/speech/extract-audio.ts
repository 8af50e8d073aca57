import { execFfmpeg, ffmpegInput } from "@/lib/media/ffmpeg";

/** A video's sound (or `range` of it) as the recognisers want it: 16 kHz mono 16-bit PCM WAV. */
export async function extractSpeechAudio(input: string, output: string, signal?: AbortSignal, range?: { start: number; end: number }): Promise<void> {
  await execFfmpeg(
    [
      "-y",
      ...(range ? ["-ss", range.start.toFixed(3), "-to", range.end.toFixed(3)] : []),
      "-i", ffmpegInput(input),
      "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", "-f", "wav", `file:${output}`,
    ],
    { signal },
  );
}
