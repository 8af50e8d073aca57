import { eq } from "drizzle-orm";
import { NonRetriableError } from "inngest";
import { annotateVideo } from "@/lib/analysis/annotate-video";
import { db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { getJobOrThrow, ownerCaller } from "@/lib/jobs";
import { cancellable, jobFileUrl } from "@/lib/jobs/job-files";
import { jobOutput } from "@/lib/jobs/job-output";
import { jobFunction, nonRetriable } from "./_job-function";

/**
 * annotate: the analysis job's video with its boxes and track ids burned in
 * (lib/analysis/annotate-video.ts), as `annotated.mp4` in this job's files; progress is the
 * frames drawn. `result_payload.files.annotated` is its URL.
 */
export default jobFunction("annotate-video", "annotate", async ({ jobId, payload, source, step, progress }) => {
  return step.run("annotate", async () => {
    const database = await db();
    const [self] = await database.select({ ownerId: jobs.ownerId }).from(jobs).where(eq(jobs.id, jobId));
    const analysis = await getJobOrThrow(database, await ownerCaller(database, self?.ownerId ?? null), payload.analysis_job_id).catch((error: unknown) => {
      throw nonRetriable(error);
    });
    if (analysis.kind !== "analyze" || analysis.status !== "completed") throw new NonRetriableError(`Job ${analysis.id} is not a completed analysis`);
    await progress(0, 100, "draw boxes");
    return cancellable(jobId, async (signal) => {
      const output = jobOutput(jobId, "annotated.mp4");
      const made = await annotateVideo(database, analysis, source.file, output.file, {
        signal,
        onProgress: (done, total) => progress(done, total, "draw boxes"),
      });
      await progress(made.frames, made.frames, "draw boxes", `Drew ${made.boxes} boxes on ${made.frames} frames`);
      return { analysis_job_id: analysis.id, frames: made.frames, boxes: made.boxes, files: { annotated: jobFileUrl(jobId, "annotated.mp4") } };
    });
  });
});
