import { db } from "@/lib/db/client";
import { jobFunction } from "./_job-function";
import { jobOutput, resolveSource } from "./_media";
import { renderToFile } from "@/lib/media/ffmpeg";

const containers = { mp4: ["-movflags", "+faststart", "-f", "mp4"], mkv: ["-f", "matroska"], mov: ["-f", "mov"] } as const;

/** export: remux the source without re-encoding into payload.format (mp4, mkv or mov). */
export default jobFunction("export", "export", async ({ jobId, payload, step, progress }) => {
  const exported = await step.run("remux", async () => {
    await progress(0, 1, "remux");
    const file = await resolveSource(await db(), payload);
    const format = (typeof payload.format === "string" && payload.format in containers ? payload.format : "mp4") as keyof typeof containers;
    const output = jobOutput(jobId, `export.${format}`);
    await renderToFile(output, { input: file, outputOptions: ["-map", "0", "-c", "copy", ...containers[format]] });
    await progress(1, 1, "remux", `Exported as ${format}`);
    return { output_path: output, format };
  });
  return { export: exported };
});
