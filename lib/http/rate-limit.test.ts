import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { createTestDatabase } from "@/lib/db/testing";
import { resetEnvForTests } from "@/lib/env";
import { consumeRateLimit } from "./rate-limit";

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
});
