import { db } from "@/lib/db/client";
import { jobFunction } from "./_job-function";
import { ffmpeg, jobOutput, resolveSource } from "./_media";

const containers = { mp4: ["-movflags", "+faststart"], mkv: [], mov: [] } as const;

/** export: remux the source without re-encoding into payload.format (mp4, mkv or mov). */
export default jobFunction("export", "export", async ({ jobId, payload, step, progress }) => {
  const exported = await step.run("remux", async () => {
    await progress(0, 1, "remux");
    const file = await resolveSource(await db(), payload);
    const format = (typeof payload.format === "string" && payload.format in containers ? payload.format : "mp4") as keyof typeof containers;
    const output = await ffmpeg(["-i", file, "-map", "0", "-c", "copy", ...containers[format]], jobOutput(jobId, `export.${format}`));
    await progress(1, 1, "remux", `Exported as ${format}`);
    return { output_path: output, format };
  });
  return { export: exported };
});
