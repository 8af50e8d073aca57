import { db } from "@/lib/db/client";
import { jobFunction } from "./_job-function";
import { describe, probe, resolveSource } from "./_media";

/** ingest: probe the referenced video with ffprobe and keep the summary as the job's result. */
export default jobFunction("ingest", "ingest", async ({ payload, step, progress }) => {
  const summary = await step.run("probe", async () => {
    await progress(0, 1, "probe");
    const result = await probe(await resolveSource(await db(), payload));
    await progress(1, 1, "probe", `Probed: ${describe(result)}`);
    return result;
  });
  return { media: summary };
});
