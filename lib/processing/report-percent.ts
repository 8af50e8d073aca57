import type { Db } from "@/lib/db/client";
import { reportProgress } from "@/lib/jobs";

/**
 * Progress of an enhance or metadata job as a percentage (processed of total = 100), through
 * lib/jobs reportProgress. Never lower than what is stored: a retried step starts its ffmpeg
 * run again from 0, and the contract's progress never goes back.
 */
export async function reportPercent(db: Db, jobId: string, percent: number, phase: string, options: { heartbeat?: boolean } = {}): Promise<void> {
  const value = Math.max(0, Math.min(100, Math.floor(percent)));
  await reportProgress(db, jobId, { processed: value, total: 100, phase, currentStep: phase }, { forwardOnly: true, heartbeat: options.heartbeat });
}

/** A status_update at least this often while a stretch runs, moved or not. */
export const HEARTBEAT_MS = 2500;

/**
 * A progress callback for a stretch [from, to] of the job's 0-100, writing at most every
 * `minMs` unless the value moved 5 points, and a heartbeat every HEARTBEAT_MS when nothing
 * moved (the contract asks for updates every 5% or few seconds). Writes are chained so they
 * land in order; `flush` stops the heartbeat and waits for the last write.
 */
export function percentReporter(db: Db, jobId: string, phase: string, from: number, to: number, minMs = 500) {
  let last = -1;
  let lastAt = Date.now();
  let chain: Promise<void> = Promise.resolve();
  const write = (value: number, heartbeat: boolean) => {
    chain = chain.then(() => reportPercent(db, jobId, value, phase, { heartbeat })).catch(() => undefined);
  };
  const report = (inner: number) => {
    const value = Math.floor(from + ((to - from) * Math.max(0, Math.min(100, inner))) / 100);
    const now = Date.now();
    if (value <= last || (value - last < 5 && now - lastAt < minMs && inner < 100)) return;
    last = value;
    lastAt = now;
    write(value, false);
  };
  const timer = setInterval(() => {
    if (Date.now() - lastAt < HEARTBEAT_MS) return;
    lastAt = Date.now();
    write(Math.max(last, from), true);
  }, 500);
  timer.unref();
  return {
    report,
    flush: () => {
      clearInterval(timer);
      return chain;
    },
  };
}
