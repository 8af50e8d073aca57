import { and, eq, gt } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { queueKeyOf } from "./caller";
import { jobQueue } from "./job-queue";
import { ownerCaller } from "./owner-caller";

/** Inngest ignores an event id it has seen within 24 hours; an hour's margin below that. */
const dedupeWindowMs = 23 * 60 * 60 * 1000;

/**
 * Sends the start event of every job still `queued` (created in the last 23 hours) again,
 * through the job queue. For the Inngest server, which takes an event while it knows no function
 * for it (before this app's first sync, or after it lost its state) and starts nothing for it,
 * then or later. The event id is the job's (inngest/client.ts), so for a job whose run exists
 * the server starts no second one (tried against `inngest start`: README, "Inngest server").
 * An anonymous job comes back in the "system" concurrency group: its address is not stored.
 * Returns how many were sent.
 */
export async function requeueQueuedJobs(db: Db, now = Date.now()): Promise<number> {
  const queued = await db
    .select({ id: jobs.id, kind: jobs.kind, priority: jobs.priority, ownerId: jobs.ownerId })
    .from(jobs)
    .where(and(eq(jobs.status, "queued"), gt(jobs.createdAt, new Date(now - dedupeWindowMs))));
  for (const job of queued) {
    await jobQueue().enqueue(job, queueKeyOf(await ownerCaller(db, job.ownerId)));
  }
  return queued.length;
}
