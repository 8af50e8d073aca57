import type { Db } from "@/lib/db/client";
import type { Job } from "@/lib/db/schema";

/**
 * How lib/jobs starts and stops runs without knowing what runs them: where the app is wired
 * to its orchestration (inngest/client.ts, loaded by server.ts and by whatever runs the job
 * functions) sets it. Kept on globalThis: Next's bundled copy of lib/jobs and server.ts's
 * share one process and one queue.
 */
export type JobQueue = {
  /**
   * Starts the run of a stored job, or leaves it waiting for its caller's turn (admission,
   * lib/jobs/admission.ts); a retried send for the same job starts no second run.
   * `caller` (lib/jobs/caller.ts queueKeyOf) keys the run's per-caller concurrency; `db`
   * holds the job.
   */
  enqueue: (job: Pick<Job, "id" | "kind" | "priority">, caller: string, db: Db) => Promise<void>;
  /** Stops the run carrying the job before its next step. */
  cancel: (jobId: string) => Promise<void>;
  /** A job reached completed, failed or cancelled: a queue that admits jobs starts its caller's next. */
  finished?: (job: Job, db: Db) => Promise<void>;
};

const slot = globalThis as { __framewiseJobQueue?: JobQueue };

export function setJobQueue(queue: JobQueue): void {
  slot.__framewiseJobQueue = queue;
}

/** The queue set, if any: for what may run where none is (a test's own database calls). */
export function currentJobQueue(): JobQueue | undefined {
  return slot.__framewiseJobQueue;
}

export function jobQueue(): JobQueue {
  if (!slot.__framewiseJobQueue) throw new Error("no job queue is set (inngest/client.ts sets it when loaded)");
  return slot.__framewiseJobQueue;
}
