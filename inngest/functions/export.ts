import { jobOutput } from "@/lib/jobs/job-output";
import { renderToFile } from "@/lib/media/ffmpeg";
import { jobFunction } from "./_job-function";

const containers = { mp4: ["-movflags", "+faststart", "-f", "mp4"], mkv: ["-f", "matroska"], mov: ["-f", "mov"] } as const;

/** export: remux the source without re-encoding into payload.format (mp4, mkv or mov). */
export default jobFunction("export", "export", async ({ jobId, payload, source, step, progress }) => {
  const exported = await step.run("remux", async () => {
    await progress(0, 1, "remux");
    const format = payload.format ?? "mp4";
    const output = jobOutput(jobId, `export.${format}`);
    await renderToFile(output.file, { input: source.file, outputOptions: ["-map", "0", "-c", "copy", ...containers[format]] });
    await progress(1, 1, "remux", `Exported as ${format}`);
    return { output_path: output.path, format };
  });
  return { export: exported };
});
