import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs, type Job } from "@/lib/db/schema";

/** Starts the run of a job (sends its start event); `caller` keys its concurrency group. */
export type StartRun = (job: Pick<Job, "id" | "kind" | "priority">, caller: string) => Promise<void>;

const waitingStatuses = ["pending", "queued"] as const;
const activeStatuses = ["pending", "queued", "in_progress"] as const;

/**
 * Admission, one job per caller at a time, for an orchestrator that does not order the runs
 * waiting on a concurrency key by their priority: the Inngest server (v1.44.0) starts a
 * caller's waiting runs in the order they came, whatever their `priority.run` (README,
 * "Inngest server"). So the app holds a caller's jobs back itself and starts the next one
 * when the one before finishes: the highest priority first, then the oldest, as the local
 * engine orders them (contracts/editor-jobs.md: "Higher values jump the queue").
 *
 * A caller's job is started (dispatched_at set) when no other job of theirs is started and
 * unfinished. The choice is made under a transaction-scoped advisory lock on the caller, so
 * two replicas admitting for one caller at once start one job between them. The start event
 * is sent after the choice is stored: when the send fails the choice is undone and the error
 * thrown. Returns the job started, or null when the caller's turn is taken or nothing waits.
 */
export async function admitNext(db: Db, queueKey: string, start: StartRun): Promise<Pick<Job, "id" | "kind" | "priority"> | null> {
  const chosen = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`admission:${queueKey}`}))`);
    const [busy] = await tx
      .select({ id: jobs.id })
      .from(jobs)
      .where(and(eq(jobs.queueKey, queueKey), isNotNull(jobs.dispatchedAt), inArray(jobs.status, [...activeStatuses])))
      .limit(1);
    if (busy) return null;
    const [next] = await tx
      .select({ id: jobs.id, kind: jobs.kind, priority: jobs.priority })
      .from(jobs)
      .where(and(eq(jobs.queueKey, queueKey), isNull(jobs.dispatchedAt), inArray(jobs.status, [...waitingStatuses])))
      .orderBy(desc(jobs.priority), asc(jobs.createdAt))
      .limit(1);
    if (!next) return null;
    await tx.update(jobs).set({ dispatchedAt: new Date() }).where(eq(jobs.id, next.id));
    return next;
  });
  if (!chosen) return null;
  try {
    await start(chosen, queueKey);
  } catch (error) {
    await db.update(jobs).set({ dispatchedAt: null }).where(eq(jobs.id, chosen.id));
    throw error;
  }
  return chosen;
}

/**
 * admitNext for every caller with a job waiting: after the app syncs with the server, and
 * periodically, for a turn a replica lost (it stopped between a job's end and the next
 * one's start, or the server was unreachable then). Failures are counted, not thrown.
 */
export async function admitWaiting(db: Db, start: StartRun): Promise<{ started: number; failed: number }> {
  const keys = await db
    .selectDistinct({ queueKey: jobs.queueKey })
    .from(jobs)
    .where(and(isNotNull(jobs.queueKey), isNull(jobs.dispatchedAt), inArray(jobs.status, [...waitingStatuses])));
  let started = 0;
  let failed = 0;
  for (const { queueKey } of keys) {
    try {
      if (await admitNext(db, queueKey!, start)) started += 1;
    } catch {
      failed += 1;
    }
  }
  return { started, failed };
}
