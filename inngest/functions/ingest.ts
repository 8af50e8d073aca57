import { describeVideo, summarizeVideo } from "@/lib/videos/summarize-video";
import { jobFunction, nonRetriable } from "./_job-function";

/** ingest: probe the referenced video with ffprobe and keep the summary as the job's result. */
export default jobFunction("ingest", "ingest", async ({ source, step, progress }) => {
  const summary = await step.run("probe", async () => {
    await progress(0, 1, "probe");
    const result = await summarizeVideo(source).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    await progress(1, 1, "probe", `Probed: ${describeVideo(result)}`);
    return result;
  });
  return { media: summary };
});
