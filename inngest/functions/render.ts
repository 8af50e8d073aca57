import { db } from "@/lib/db/client";
import { renderToFile } from "@/lib/media/ffmpeg";
import { jobFunction } from "./_job-function";
import { jobOutput, resolveSource } from "./_media";

/** render: encode the source to H.264 MP4 at payload.height (default 720) lines. */
export default jobFunction("render", "render", async ({ jobId, payload, step, progress }) => {
  const rendered = await step.run("encode", async () => {
    await progress(0, 1, "encode");
    const file = await resolveSource(await db(), payload);
    const height = Math.min(2160, Math.max(144, Math.round(Number(payload.height ?? 720) / 2) * 2 || 720));
    const output = jobOutput(jobId, "render.mp4");
    await renderToFile(output, {
      input: file,
      outputOptions: ["-vf", `scale=-2:${height}`, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart", "-f", "mp4"],
    });
    await progress(1, 1, "encode", `Rendered at ${height}p`);
    return { output_path: output, height };
  });
  return { render: rendered };
});
