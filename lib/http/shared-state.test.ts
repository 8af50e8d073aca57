import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "@/lib/db/client";
import { createEmptyPostgresDatabase, createTestDatabase } from "@/lib/db/testing";
import { rateLimits, uploadSlots } from "@/lib/db/schema";
import { resetEnvForTests } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { consumeRateLimit, SYNC_MS } from "./rate-limit";
import { sweepSharedState, takeUploadSlot, withUploadSlot } from "./upload-slots";

// Two handles on one PostgreSQL database stand for two web replicas: what one takes, the
// other sees. PGlite (one process) runs the same SQL.

describe("shared limits across two replicas on one PostgreSQL", () => {
  let created: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>;
  let a: DatabaseHandle;
  let b: DatabaseHandle;

  const saved = process.env.MAX_CONCURRENT_UPLOADS;

  beforeAll(async () => {
    process.env.MAX_CONCURRENT_UPLOADS = "2";
    resetEnvForTests();
    created = await createEmptyPostgresDatabase();
    a = await openDatabase({ url: created.url });
    b = await openDatabase({ url: created.url });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await created?.drop();
    if (saved === undefined) delete process.env.MAX_CONCURRENT_UPLOADS;
    else process.env.MAX_CONCURRENT_UPLOADS = saved;
    resetEnvForTests();
  });

  it("upload slots: a cap reached through A holds on B, and a freed slot is free on both", async () => {
    expect(await takeUploadSlot(a.db, "key:k1", 2)).toBeTruthy();
    const second = await takeUploadSlot(a.db, "key:k1", 2);
    expect(second).toBeTruthy();
    expect(await takeUploadSlot(b.db, "key:k1", 2)).toBeNull();
    // Another subject is not held back.
    expect(await takeUploadSlot(b.db, "key:k2", 2)).toBeTruthy();

    let inside: string | null = "not run";
    const limited = () => withUploadSlot("key:k1", async () => (inside = "ran"), b.db);
    await expect(limited()).rejects.toSatisfy((error) => isAppError(error) && error.kind === "rate_limited");
    expect(inside).toBe("not run");

    await a.db.delete(uploadSlots).where(eq(uploadSlots.id, second!));
    await expect(limited()).resolves.toBe("ran");
    // withUploadSlot gave its slot back: the one freed above is free again.
    expect(await takeUploadSlot(a.db, "key:k1", 2)).toBeTruthy();
  });

  it("upload slots: replicas racing for the last slots get exactly the cap between them", async () => {
    const attempts = Array.from({ length: 24 }, (_, i) => takeUploadSlot(i % 2 ? a.db : b.db, "ip:race", 5));
    const taken = (await Promise.all(attempts)).filter(Boolean);
    expect(taken).toHaveLength(5);
  });

  it("upload slots: a slot whose replica died lapses when its lease ends, and the sweep deletes it", async () => {
    await a.db.insert(uploadSlots).values({ id: "dead-replica", subject: "key:k3", heldUntil: new Date(Date.now() - 1000) });
    expect(await takeUploadSlot(b.db, "key:k3", 1)).toBeTruthy();
    const swept = await sweepSharedState(b.db);
    expect(swept.slots).toBeGreaterThanOrEqual(1);
    const left = await a.db.select().from(uploadSlots);
    expect(left.map((slot) => slot.id)).not.toContain("dead-replica");
  });

  it("rate limits: requests through A and B count against one hourly budget", async () => {
    // Each replica writes a subject's count at most every SYNC_MS (lib/http/rate-limit.ts): calls
    // that far apart each write and read back what the other replica counted.
    const hour = 3_600_000;
    const start = Math.floor(Date.now() / hour) * hour + hour / 2;
    const at = (step: number) => start + step * (SYNC_MS + 1);
    await consumeRateLimit(a.db, "key:shared", at(0), { limit: 3 });
    await consumeRateLimit(b.db, "key:shared", at(1), { limit: 3 });
    await consumeRateLimit(a.db, "key:shared", at(2), { limit: 3 });
    await expect(consumeRateLimit(b.db, "key:shared", at(3), { limit: 3 })).rejects.toSatisfy(
      (error) => isAppError(error) && error.kind === "rate_limited" && error.headers["X-RateLimit-Remaining"] === "0",
    );
  });

  it("exact limits (attempts): requests alternating between A and B within SYNC_MS count to the last one", async () => {
    const now = Math.floor(Date.now() / 3_600_000) * 3_600_000 + 1_800_000;
    const outcomes = [];
    for (let i = 0; i < 5; i++) {
      outcomes.push(await consumeRateLimit(i % 2 ? b.db : a.db, "unknown-key:ip:10.0.0.9", now + i, { limit: 4, exact: true }).then((state) => state.remaining, (error) => error.kind));
    }
    expect(outcomes).toEqual([3, 2, 1, 0, "rate_limited"]);
  });

  it("rate limits: windows older than the last hour are swept, the current one stays", async () => {
    const now = Date.now();
    await consumeRateLimit(a.db, "key:old", now - 3 * 3_600_000, { limit: 3 });
    await consumeRateLimit(a.db, "key:current", now, { limit: 3 });
    await sweepSharedState(b.db, now);
    const subjects = (await b.db.select({ subject: rateLimits.subject }).from(rateLimits)).map((row) => row.subject);
    expect(subjects).toContain("key:current");
    expect(subjects).not.toContain("key:old");
  });
});

describe("upload slots on PGlite (one process)", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    resetEnvForTests();
    handle = await createTestDatabase("pglite");
  });
  afterAll(async () => handle?.close());

  it("takes up to the cap with the same SQL", async () => {
    expect(await takeUploadSlot(handle.db, "user:u", 1)).toBeTruthy();
    expect(await takeUploadSlot(handle.db, "user:u", 1)).toBeNull();
    expect(await sweepSharedState(handle.db)).toEqual({ slots: 0, windows: 0 });
  });
});
