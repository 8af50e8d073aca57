import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { rateLimits } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { db as database } from "@/lib/db/client";
import { AppError, isAppError } from "@/lib/errors";

const windowMs = 60 * 60 * 1000;

export type RateLimitState = { limit: number; remaining: number; reset: number };

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    "X-RateLimit-Limit": String(state.limit),
    "X-RateLimit-Remaining": String(state.remaining),
    "X-RateLimit-Reset": String(state.reset),
  };
}

export type RateLimitOptions = {
  /** Requests allowed per hour; RATE_LIMIT_PER_HOUR (per API key) by default. */
  limit?: number;
  /** The 429's detail. */
  message?: string;
  /**
   * Write every request and read the count back, exact across replicas: for the limits on
   * what anyone may try (lib/auth/attempt-limits.ts), where a handful over the limit matters
   * more than an upsert each, and such requests are few next to a key's polling.
   */
  exact?: boolean;
};

/**
 * Counts one request for `subject` (an API key `key:<id>`, a client address `register:ip:<a>`)
 * in the current hour and refuses past the limit with 429 and Retry-After
 * (contracts/reframer.md "Rate Limiting").
 *
 * The count lives in the database, shared by replicas, one row per subject and hour. A client
 * polling many times a second would make that an upsert per request, so this process writes a
 * subject's count at most every SYNC_MS: the first request after that writes (and reads back
 * what every replica has counted), the ones in between are counted here on top of it and
 * written together when the interval ends. In one process the count is exact; across replicas
 * a caller can get at most what it sends to the others within SYNC_MS past the limit. Counts
 * not yet written when the process stops (at most SYNC_MS of them) are lost. With `exact`,
 * every request writes.
 */
export async function consumeRateLimit(db: Db, subject: string, now = Date.now(), options: RateLimitOptions = {}): Promise<RateLimitState> {
  const limit = options.limit ?? env().RATE_LIMIT_PER_HOUR;
  const windowStart = Math.floor(now / windowMs) * windowMs;
  const reset = Math.floor((windowStart + windowMs) / 1000);
  const tallies = talliesOf(db);
  let tally = tallies.get(subject);
  if (tally && tally.windowStart !== windowStart) {
    // A new hour: what the last one still owes goes to its own row.
    void flush(db, tally);
    tally = undefined;
  }
  if (!tally) tallies.set(subject, (tally = { subject, windowStart, known: 0, pending: 0, syncedAt: Number.NEGATIVE_INFINITY }));
  let count: number;
  if (!options.exact && now - tally.syncedAt < SYNC_MS) {
    const mine = (tally.pending += 1);
    scheduleFlush(db, tally);
    // Behind a write still in flight, its answer is what this one counts on top of.
    if (tally.syncing) await tally.syncing;
    count = tally.known + mine;
  } else {
    tally.syncedAt = now;
    const owed = tally.pending + 1;
    tally.pending = 0;
    const syncing = addCount(db, subject, windowStart, owed);
    // Settles after the lines below have stored the answer (its callbacks run after this await's).
    const settled = syncing.then(() => undefined, () => undefined);
    tally.syncing = settled;
    try {
      count = await syncing;
      tally.known = Math.max(tally.known, count);
    } finally {
      if (tally.syncing === settled) tally.syncing = undefined;
    }
  }
  const state = { limit, remaining: Math.max(0, limit - count), reset };
  if (count > limit) {
    throw new AppError("rate_limited", options.message ?? "Rate limit exceeded", {
      headers: {
        ...rateLimitHeaders(state),
        "Retry-After": String(Math.max(1, reset - Math.floor(now / 1000))),
      },
    });
  }
  return state;
}

/** How long this process counts a subject's requests before writing them (consumeRateLimit). */
export const SYNC_MS = 200;

type Tally = {
  subject: string;
  windowStart: number;
  /** The row's count as last written or read. */
  known: number;
  /** Requests counted here since, not yet written. */
  pending: number;
  syncedAt: number;
  syncing?: Promise<void>;
  timer?: NodeJS.Timeout;
};

// One set per database (tests open several in one process), on globalThis: Next bundles route
// handlers apart from server.ts, and all of them count into the same tallies.
const talliesByDb: WeakMap<Db, Map<string, Tally>> = ((globalThis as { __framewiseRateTallies?: WeakMap<Db, Map<string, Tally>> }).__framewiseRateTallies ??= new WeakMap());

function talliesOf(db: Db): Map<string, Tally> {
  let tallies = talliesByDb.get(db);
  if (!tallies) talliesByDb.set(db, (tallies = new Map()));
  return tallies;
}

/** Adds `n` requests to the subject's row for the hour; what the row holds now. */
async function addCount(db: Db, subject: string, windowStart: number, n: number): Promise<number> {
  const [row] = await db
    .insert(rateLimits)
    .values({ subject, windowStart: new Date(windowStart), count: n })
    .onConflictDoUpdate({
      target: [rateLimits.subject, rateLimits.windowStart],
      set: { count: sql`${rateLimits.count} + ${n}` },
    })
    .returning({ count: rateLimits.count });
  return row.count;
}

function scheduleFlush(db: Db, tally: Tally): void {
  if (tally.timer) return;
  tally.timer = setTimeout(() => void flush(db, tally), SYNC_MS);
  tally.timer.unref();
}

async function flush(db: Db, tally: Tally): Promise<void> {
  clearTimeout(tally.timer);
  tally.timer = undefined;
  const owed = tally.pending;
  if (owed === 0) return;
  tally.pending = 0;
  try {
    tally.known = Math.max(tally.known, await addCount(db, tally.subject, tally.windowStart, owed));
    tally.syncedAt = Date.now();
  } catch (error) {
    // The database is gone (shutting down) or failing: the next request writes again.
    tally.pending += owed;
    console.error("[rate-limit] could not write counts:", error instanceof Error ? error.message : error);
  }
}

/** Requests counted here and not yet written, per subject, for the hour starting at `windowStart`. */
function pendingCounts(db: Db, windowStart: number): Map<string, number> {
  return new Map([...talliesOf(db)].filter(([, tally]) => tally.windowStart === windowStart).map(([subject, tally]) => [subject, tally.pending]));
}

/**
 * Where each subject stands in the current hour, without counting a request: what the keys
 * page shows as the quota. A subject with no request this hour has the whole limit left.
 */
export async function readRateLimits(db: Db, subjects: string[], now = Date.now(), limit = env().RATE_LIMIT_PER_HOUR): Promise<Map<string, RateLimitState & { used: number }>> {
  const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
  const reset = Math.floor((windowStart.getTime() + windowMs) / 1000);
  const rows = subjects.length
    ? await db
        .select({ subject: rateLimits.subject, count: rateLimits.count })
        .from(rateLimits)
        .where(and(inArray(rateLimits.subject, subjects), eq(rateLimits.windowStart, windowStart)))
    : [];
  const used = new Map(rows.map((row) => [row.subject, row.count]));
  // With what this process has counted and not written yet (consumeRateLimit).
  const pending = pendingCounts(db, windowStart.getTime());
  return new Map(subjects.map((subject) => {
    const count = (used.get(subject) ?? 0) + (pending.get(subject) ?? 0);
    return [subject, { limit, used: Math.min(count, limit), remaining: Math.max(0, limit - count), reset }];
  }));
}

/**
 * One request counted for an API key that was refused before its route ran (node-request.ts,
 * a 413 on Content-Length): the key's X-RateLimit-* headers, or none for a key that is not
 * valid. Past the limit the headers still go out (remaining 0), without Retry-After: the
 * answer is the 413.
 */
export async function rateLimitHeadersForKey(key: string): Promise<Record<string, string>> {
  const handle = await database();
  const found = await authenticateApiKey(handle, key);
  if (!found) return {};
  try {
    return rateLimitHeaders(await consumeRateLimit(handle, found.keyId));
  } catch (error) {
    if (isAppError(error) && error.kind === "rate_limited") {
      const { "Retry-After": _retry, ...headers } = error.headers;
      return headers;
    }
    throw error;
  }
}
