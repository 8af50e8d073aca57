import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { createTestDatabase } from "@/lib/db/testing";
import { resetEnvForTests } from "@/lib/env";
import { and, eq, sql } from "drizzle-orm";
import { rateLimits } from "@/lib/db/schema";
import { consumeRateLimit, readRateLimits, SYNC_MS } from "./rate-limit";

describe("rate limit", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    process.env.RATE_LIMIT_PER_HOUR = "3";
    resetEnvForTests();
    handle = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    delete process.env.RATE_LIMIT_PER_HOUR;
    resetEnvForTests();
    await handle?.close();
  });

  it("counts per subject and hour, then refuses with Retry-After", async () => {
    const now = Date.UTC(2026, 10, 25, 10, 30);
    expect((await consumeRateLimit(handle.db, "k1", now)).remaining).toBe(2);
    expect((await consumeRateLimit(handle.db, "k1", now)).remaining).toBe(1);
    expect((await consumeRateLimit(handle.db, "k2", now)).remaining).toBe(2);
    expect((await consumeRateLimit(handle.db, "k1", now)).remaining).toBe(0);
    const refused = await consumeRateLimit(handle.db, "k1", now).catch((error) => error);
    expect(refused).toMatchObject({ kind: "rate_limited" });
    expect(refused.headers["Retry-After"]).toBe(String(30 * 60));
    expect(refused.headers["X-RateLimit-Reset"]).toBe(String(Date.UTC(2026, 10, 25, 11) / 1000));
    // The next hour starts afresh.
    expect((await consumeRateLimit(handle.db, "k1", now + 60 * 60 * 1000)).remaining).toBe(2);
  });

  const stored = async (subject: string, windowStart: number) =>
    (await handle.db.select({ count: rateLimits.count }).from(rateLimits).where(and(eq(rateLimits.subject, subject), eq(rateLimits.windowStart, new Date(windowStart)))))[0]?.count;

  it("writes a subject's count once per interval, counts exactly in between, and shows the unwritten part to readers", async () => {
    const now = Date.now();
    const hour = Math.floor(now / 3_600_000) * 3_600_000;
    const limit = { limit: 100 };
    expect((await consumeRateLimit(handle.db, "poller", now, limit)).remaining).toBe(99);
    for (let i = 2; i <= 10; i++) expect((await consumeRateLimit(handle.db, "poller", now, limit)).remaining).toBe(100 - i);
    // One write so far; the nine since are counted here and read back with the row.
    expect(await stored("poller", hour)).toBe(1);
    expect((await readRateLimits(handle.db, ["poller"], now, 100)).get("poller")?.used).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, SYNC_MS + 200));
    expect(await stored("poller", hour)).toBe(10);
  });

  it("admits exactly the limit when requests arrive together", async () => {
    const now = Date.now();
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => consumeRateLimit(handle.db, "burst", now, { limit: 3 }).then(() => "ok", (error) => error.kind)));
    expect(outcomes.filter((outcome) => outcome === "ok")).toHaveLength(3);
    expect(outcomes.filter((outcome) => outcome === "rate_limited")).toHaveLength(5);
  });

  it("takes in what other replicas counted at the next write", async () => {
    const now = Date.now();
    const hour = Math.floor(now / 3_600_000) * 3_600_000;
    expect((await consumeRateLimit(handle.db, "shared", now, { limit: 10 })).remaining).toBe(9);
    // Another replica writes 5 for the same key and hour.
    await handle.db.update(rateLimits).set({ count: sql`${rateLimits.count} + 5` }).where(and(eq(rateLimits.subject, "shared"), eq(rateLimits.windowStart, new Date(hour))));
    expect((await consumeRateLimit(handle.db, "shared", now + SYNC_MS, { limit: 10 })).remaining).toBe(3);
  });
});
