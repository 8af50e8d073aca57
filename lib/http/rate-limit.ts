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
};

/**
 * Counts one request for `subject` (an API key `key:<id>`, a client address `register:ip:<a>`)
 * in the current hour and refuses past the limit with 429 and Retry-After
 * (contracts/reframer.md "Rate Limiting"). One upsert per request keeps it correct across
 * replicas that share PostgreSQL.
 */
export async function consumeRateLimit(db: Db, subject: string, now = Date.now(), options: RateLimitOptions = {}): Promise<RateLimitState> {
  const limit = options.limit ?? env().RATE_LIMIT_PER_HOUR;
  const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
  const reset = Math.floor((windowStart.getTime() + windowMs) / 1000);
  const [row] = await db
    .insert(rateLimits)
    .values({ subject, windowStart, count: 1 })
    .onConflictDoUpdate({
      target: [rateLimits.subject, rateLimits.windowStart],
      set: { count: sql`${rateLimits.count} + 1` },
    })
    .returning({ count: rateLimits.count });
  const state = { limit, remaining: Math.max(0, limit - row.count), reset };
  if (row.count > limit) {
    throw new AppError("rate_limited", options.message ?? "Rate limit exceeded", {
      headers: {
        ...rateLimitHeaders(state),
        "Retry-After": String(Math.max(1, reset - Math.floor(now / 1000))),
      },
    });
  }
  return state;
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
  return new Map(subjects.map((subject) => {
    const count = used.get(subject) ?? 0;
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
