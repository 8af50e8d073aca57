import { jobOutput } from "@/lib/jobs/job-output";
import { renderToFile } from "@/lib/media/ffmpeg";
import { jobFunction } from "./_job-function";

/** render: encode the source to H.264 MP4 at payload.height (default 720, even) lines. */
export default jobFunction("render", "render", async ({ jobId, payload, source, step, progress }) => {
  const rendered = await step.run("encode", async () => {
    await progress(0, 1, "encode");
    const height = Math.round((payload.height ?? 720) / 2) * 2;
    const output = jobOutput(jobId, "render.mp4");
    await renderToFile(output.file, {
      input: source.file,
      outputOptions: ["-vf", `scale=-2:${height}`, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", "-f", "mp4"],
    });
    await progress(1, 1, "encode", `Rendered at ${height}p`);
    return { output_path: output.path, height };
  });
  return { render: rendered };
});
