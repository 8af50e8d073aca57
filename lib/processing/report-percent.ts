import { and, eq, notInArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { finishedStatuses } from "@/lib/jobs";
import { publishJob } from "@/lib/jobs/publish";

/**
 * Progress of an enhance or metadata job as a percentage (processed of total = 100). Never
 * lower than what is stored: a retried step starts its ffmpeg run again from 0, and the
 * contract's progress never goes back.
 */
export async function reportPercent(db: Db, jobId: string, percent: number, phase: string): Promise<void> {
  const value = Math.max(0, Math.min(100, Math.floor(percent)));
  const [job] = await db
    .update(jobs)
    .set({ processed: sql`greatest(${jobs.processed}, ${value})`, total: 100, phase, currentStep: phase, updatedAt: new Date() })
    .where(and(eq(jobs.id, jobId), notInArray(jobs.status, finishedStatuses), sql`(${jobs.processed} < ${value} or ${jobs.phase} is distinct from ${phase})`))
    .returning();
  if (job) publishJob(job);
}

/**
 * A progress callback for a stretch [from, to] of the job's 0-100, writing at most every
 * `minMs` unless the value moved 5 points (the contract asks for every 5% or few seconds).
 * Writes are chained so they land in order; `flush` waits for the last one.
 */
export function percentReporter(db: Db, jobId: string, phase: string, from: number, to: number, minMs = 500) {
  let last = -1;
  let lastAt = 0;
  let chain: Promise<void> = Promise.resolve();
  const report = (inner: number) => {
    const value = Math.floor(from + ((to - from) * Math.max(0, Math.min(100, inner))) / 100);
    const now = Date.now();
    if (value <= last || (value - last < 5 && now - lastAt < minMs && inner < 100)) return;
    last = value;
    lastAt = now;
    chain = chain.then(() => reportPercent(db, jobId, value, phase)).catch(() => undefined);
  };
  return { report, flush: () => chain };
}
