import type { Job } from "@/lib/db/schema";

/**
 * How lib/jobs starts and stops runs without knowing what runs them: where the app is wired
 * to its orchestration (inngest/client.ts, loaded by server.ts and by whatever runs the job
 * functions) sets it. Kept on globalThis: Next's bundled copy of lib/jobs and server.ts's
 * share one process and one queue.
 */
export type JobQueue = {
  /**
   * Starts the run of a stored job; a retried send for the same job starts no second run.
   * `caller` (lib/jobs/caller.ts queueKeyOf) keys the run's per-caller concurrency.
   */
  enqueue: (job: Pick<Job, "id" | "kind" | "priority">, caller: string) => Promise<void>;
  /** Stops the run carrying the job before its next step. */
  cancel: (jobId: string) => Promise<void>;
};

const slot = globalThis as { __framewiseJobQueue?: JobQueue };

export function setJobQueue(queue: JobQueue): void {
  slot.__framewiseJobQueue = queue;
}

export function jobQueue(): JobQueue {
  if (!slot.__framewiseJobQueue) throw new Error("no job queue is set (inngest/client.ts sets it when loaded)");
  return slot.__framewiseJobQueue;
}
