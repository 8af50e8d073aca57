import { jobOutput } from "@/lib/jobs/job-output";
import { makeClip } from "@/lib/media/clip";
import { jobFunction, nonRetriable } from "./_job-function";

/** generate_clip: cut payload.start..payload.end (seconds; default the first 10 s) to H.264 MP4. */
export default jobFunction("generate-clip", "generate_clip", async ({ jobId, payload, source, step, progress }) => {
  const clip = await step.run("cut", async () => {
    await progress(0, 1, "cut");
    const start = payload.start ?? 0;
    const end = payload.end ?? start + 10;
    const output = jobOutput(jobId, "clip.mp4");
    const made = await makeClip({ input: source.file, start, end, output: output.file }).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    await progress(1, 1, "cut", `Cut ${made.duration.toFixed(1)} s from ${made.start.toFixed(1)} s`);
    return { clip_path: output.path, start_seconds: made.start, duration_seconds: made.duration };
  });
  return { clip };
});
