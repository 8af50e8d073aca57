import { db } from "@/lib/db/client";
import { makeClip } from "@/lib/media/clip";
import { jobFunction } from "./_job-function";
import { jobOutput, nonRetriable, resolveSource } from "./_media";

/** generate_clip: cut payload.start..payload.end (seconds; default the first 10 s) to H.264 MP4. */
export default jobFunction("generate-clip", "generate_clip", async ({ jobId, payload, step, progress }) => {
  const clip = await step.run("cut", async () => {
    await progress(0, 1, "cut");
    const file = await resolveSource(await db(), payload);
    const start = Math.max(0, Number(payload.start ?? 0) || 0);
    const end = Number(payload.end ?? start + 10) || start + 10;
    const made = await makeClip({ input: file, start, end, output: jobOutput(jobId, "clip.mp4") }).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    await progress(1, 1, "cut", `Cut ${made.duration.toFixed(1)} s from ${made.start.toFixed(1)} s`);
    return { clip_path: made.path, start_seconds: made.start, duration_seconds: made.duration };
  });
  return { clip };
});
