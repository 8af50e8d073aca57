import type { GetStepTools } from "inngest";
import { db } from "@/lib/db/client";
import { appendJobLog, reportProgress, setJobStatus } from "@/lib/jobs";
import { inngest } from "../client";
import { jobCancelRequested, jobRequestedEvents, type RunnableJobKind } from "../events";

/**
 * The shape every job function shares: started -> the kind's own steps -> completed, with
 * cancelOn the job's cancel event, priority from the job, one env-wide concurrency group for
 * media work, and onFailure marking the job failed. Not an Inngest function itself.
 */
export type JobContext = {
  jobId: string;
  payload: Record<string, unknown>;
  step: GetStepTools<typeof inngest>;
  /** Progress and a log line, written through lib/jobs (and pushed to live listeners). */
  progress: (processed: number, total: number, phase: string, message?: string) => Promise<void>;
};

/** How many job steps run at once in this deployment: ffmpeg work on a small box. */
const mediaConcurrency = 2;

export function jobFunction(
  id: string,
  kind: RunnableJobKind,
  work: (context: JobContext) => Promise<Record<string, unknown>>,
) {
  return inngest.createFunction(
    {
      id,
      name: `Job: ${kind}`,
      triggers: [jobRequestedEvents[kind]],
      retries: 2,
      priority: { run: "event.data.priority" },
      concurrency: [{ limit: mediaConcurrency, scope: "env", key: '"media"' }],
      cancelOn: [{ event: jobCancelRequested.name, match: "data.jobId" }],
      onFailure: async ({ event, error }) => {
        const jobId = (event.data.event.data as { jobId: string }).jobId;
        const database = await db();
        await appendJobLog(database, jobId, `Failed: ${error.message}`, "error");
        await setJobStatus(database, jobId, "failed", { errorMessage: error.message });
      },
    },
    async ({ event, step, runId }) => {
      const { jobId } = event.data;
      const payload = await step.run("start", async () => {
        const database = await db();
        const job = await setJobStatus(database, jobId, "in_progress", { runId });
        if (job) await appendJobLog(database, jobId, `Started ${kind}`);
        return job?.payload ?? {};
      });
      const progress: JobContext["progress"] = async (processed, total, phase, message) => {
        const database = await db();
        await reportProgress(database, jobId, { processed, total, phase, currentStep: phase });
        if (message) await appendJobLog(database, jobId, message);
      };
      const result = await work({ jobId, payload, step: step as unknown as JobContext["step"], progress });
      await step.run("finish", async () => {
        const database = await db();
        await appendJobLog(database, jobId, `Completed ${kind}`);
        await setJobStatus(database, jobId, "completed", { resultPayload: result });
      });
      return result;
    },
  );
}
