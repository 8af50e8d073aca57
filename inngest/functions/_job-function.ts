import { eq } from "drizzle-orm";
import { NonRetriableError, type GetStepTools } from "inngest";
import { db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { isAppError } from "@/lib/errors";
import { appendJobLog, ownerCaller, reportProgress, setJobStatus } from "@/lib/jobs";
import type { JobKind } from "@/lib/job-kinds";
import { hasOneSource, parseJobPayload, sourceOf, type JobPayload, type SingleSourceKind } from "@/lib/jobs/payloads";
import { fetchJobMedia, localVideoFile, publishJobMedia, releaseJobMedia } from "@/lib/storage/job-media";
import { usesObjectStorage } from "@/lib/storage/object-store";
import { resolveSource, type ResolvedSource } from "@/lib/videos/resolve-source";
import { inngest } from "../client";
import { jobCancelRequested, jobRequestedEvents } from "../events";

/**
 * The shape every job function shares: started -> the kind's own steps -> completed, with
 * cancelOn the job's cancel event, priority from the job, an env-wide concurrency group for
 * media work and one per caller, and onFailure marking the job failed. Not an Inngest function itself.
 */
export type JobContext<K extends JobKind> = {
  jobId: string;
  /** The stored payload as its kind's schema reads it (lib/jobs/payloads.ts). */
  payload: JobPayload<K>;
  /**
   * The payload's video, resolved for the job's owner (lib/videos/resolve-source.ts); null for
   * a kind whose payload names several (extract_features): its function resolves each itself.
   */
  source: K extends SingleSourceKind ? ResolvedSource : null;
  step: GetStepTools<typeof inngest>;
  /** Progress and a log line, written through lib/jobs (and pushed to live listeners). */
  progress: (processed: number, total: number, phase: string, message?: string) => Promise<void>;
};

/** How many job steps run at once in this deployment: ffmpeg work on a small box. */
const mediaConcurrency = 2;

/**
 * Media steps run `mediaConcurrency` at a time, and one caller's (event.data.caller: per user,
 * per address for anonymous callers) one at a time: a caller's long job leaves the other slot
 * to everyone else's jobs instead of taking both.
 */
export const jobConcurrency = [
  { limit: mediaConcurrency, scope: "env", key: '"media"' },
  { limit: 1, scope: "env", key: "event.data.caller" },
] as const;

export function jobFunction<K extends JobKind>(
  id: string,
  kind: K,
  work: (context: JobContext<K>) => Promise<Record<string, unknown>>,
  /** Runs after a failed job is marked failed (e.g. to delete files staged for it). */
  cleanUp?: (jobId: string) => Promise<void>,
) {
  return inngest.createFunction(
    {
      id,
      name: `Job: ${kind}`,
      triggers: [jobRequestedEvents[kind]],
      retries: 2,
      priority: { run: "event.data.priority" },
      concurrency: [...jobConcurrency],
      cancelOn: [{ event: jobCancelRequested.name, match: "data.jobId" }],
      onFailure: async ({ event, error }) => {
        const jobId = (event.data.event.data as { jobId: string }).jobId;
        const database = await db();
        // Both writes clean the message (lib/public-message.ts): ffmpeg names files by host path.
        // Only a job that really moves to failed says so in its log: a cancelled one keeps its
        // status and log. Its step, seeing the row cancelled, stops with "Job was cancelled",
        // and that failure can reach onFailure when the engine had not cancelled the run yet
        // (Inngest's cloud takes the cancel event asynchronously).
        await releaseJobMedia(jobId).catch(() => undefined);
        const failed = await setJobStatus(database, jobId, "failed", { errorMessage: error.message });
        if (failed) await appendJobLog(database, jobId, `Failed: ${error.message}`, "error");
        await cleanUp?.(jobId);
      },
    },
    async ({ event, step, runId }) => {
      const { jobId } = event.data as { jobId: string };
      // The payload is checked again here, whoever wrote the row, and its video is resolved
      // for the job's owner: a run reaches no more than the request that created it could.
      const started = await step.run("start", async (): Promise<{ payload: Record<string, unknown>; source: ResolvedSource | null }> => {
        const database = await db();
        const moved = await setJobStatus(database, jobId, "in_progress", { runId });
        if (moved) await appendJobLog(database, jobId, `Started ${kind}`);
        // A retried step finds the job already in progress.
        const job = moved ?? (await database.select().from(jobs).where(eq(jobs.id, jobId)).limit(1))[0];
        if (!job) throw new NonRetriableError(`Job ${jobId} not found`);
        try {
          const payload = parseJobPayload(kind, job.payload);
          const source = hasOneSource(kind) ? await resolveSource(database, await ownerCaller(database, job.ownerId), sourceOf(kind, payload as JobPayload<typeof kind>), jobId) : null;
          return { payload: payload as Record<string, unknown>, source };
        } catch (error) {
          throw nonRetriable(error);
        }
      });
      const progress: JobContext<K>["progress"] = async (processed, total, phase, message) => {
        const database = await db();
        await reportProgress(database, jobId, { processed, total, phase, currentStep: phase });
        if (message) await appendJobLog(database, jobId, message);
      };
      const result = await work({
        jobId,
        payload: started.payload as unknown as JobPayload<K>,
        source: started.source as JobContext<K>["source"],
        step: withStoredMedia(step, jobId, started.source) as unknown as JobContext<K>["step"],
        progress,
      });
      await step.run("finish", async () => {
        await releaseJobMedia(jobId);
        const database = await db();
        await appendJobLog(database, jobId, `Completed ${kind}`);
        await setJobStatus(database, jobId, "completed", { resultPayload: result });
      });
      return result;
    },
  );
}

/**
 * The step tools a kind's function gets: with object storage (STORAGE_URL) each step first
 * fetches what other hosts published of the job's media and its video, when this host lacks
 * them, and publishes what it made when it ends, failed or not (files are written whole, so a
 * failed step's finished files are good). So any worker may run any step. On local disk the
 * tools are Inngest's own.
 */
function withStoredMedia(step: GetStepTools<typeof inngest>, jobId: string, source: ResolvedSource | null): GetStepTools<typeof inngest> {
  if (!usesObjectStorage()) return step;
  const run = ((id: string, fn: () => Promise<unknown>) =>
    step.run(id, async () => {
      await fetchJobMedia(jobId);
      if (source) await localVideoFile(source.media, jobId);
      try {
        return await fn();
      } finally {
        await publishJobMedia(jobId);
      }
    })) as GetStepTools<typeof inngest>["run"];
  return { ...step, run };
}

/** A domain error about the input will not go away on a retry. */
export function nonRetriable(error: unknown): unknown {
  return isAppError(error) ? new NonRetriableError(error.message) : error;
}
