import { db } from "@/lib/db/client";
import { jobFunction } from "./_job-function";
import { ffmpeg, jobOutput, probe, resolveSource } from "./_media";

/** generate_clip: cut payload.start..payload.end (seconds; default the first 10 s) to H.264 MP4. */
export default jobFunction("generate-clip", "generate_clip", async ({ jobId, payload, step, progress }) => {
  const clip = await step.run("cut", async () => {
    await progress(0, 1, "cut");
    const file = await resolveSource(await db(), payload);
    const { duration_seconds: duration } = await probe(file);
    const start = Math.max(0, Number(payload.start ?? 0) || 0);
    const end = Math.min(duration ?? Infinity, Number(payload.end ?? start + 10) || start + 10);
    const length = Math.max(0.1, end - start);
    const output = await ffmpeg(
      ["-ss", String(start), "-t", String(length), "-i", file, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart"],
      jobOutput(jobId, "clip.mp4"),
    );
    await progress(1, 1, "cut", `Cut ${length.toFixed(1)} s from ${start.toFixed(1)} s`);
    return { clip_path: output, start_seconds: start, duration_seconds: length };
  });
  return { clip };
});
