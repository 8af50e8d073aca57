import { and, eq, gt, isNotNull, isNull, or } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { admitWaiting, type StartRun } from "./admission";
import { queueKeyOf } from "./caller";
import { ownerCaller } from "./owner-caller";

/** Inngest ignores an event id it has seen within 24 hours; an hour's margin below that. */
const dedupeWindowMs = 23 * 60 * 60 * 1000;

/**
 * For the Inngest server, which takes an event while it knows no function for it (before this
 * app's first sync, or after it lost its state) and starts nothing for it, then or later: sends
 * the start event of every `queued` job whose run was started (created in the last 23 hours)
 * again, then starts each caller's next waiting job (lib/jobs/admission.ts). The event id is the
 * job's (inngest/client.ts), so for a job whose run exists the server starts no second one
 * (tried against `inngest start`: README, "Inngest server"). A job from before admission (no
 * queue key) is sent as it was: an anonymous one in the "system" group, as its address is not
 * stored. Returns how many were sent.
 */
export async function requeueQueuedJobs(db: Db, start: StartRun, now = Date.now()): Promise<number> {
  const queued = await db
    .select({ id: jobs.id, kind: jobs.kind, priority: jobs.priority, ownerId: jobs.ownerId, queueKey: jobs.queueKey })
    .from(jobs)
    .where(and(eq(jobs.status, "queued"), gt(jobs.createdAt, new Date(now - dedupeWindowMs)), or(isNotNull(jobs.dispatchedAt), isNull(jobs.queueKey))));
  for (const job of queued) {
    await start(job, job.queueKey ?? queueKeyOf(await ownerCaller(db, job.ownerId)));
  }
  const admitted = await admitWaiting(db, start);
  return queued.length + admitted.started;
}
