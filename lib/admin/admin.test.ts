import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "@/lib/db/testing";
import type { DatabaseHandle } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { authenticateApiKey, createApiKey } from "@/lib/auth/api-keys";
import { authenticateWithPassword, createUser, getUser } from "@/lib/auth/users";
import { isAppError } from "@/lib/errors";
import { consumeRateLimit, readRateLimits } from "@/lib/http/rate-limit";
import { listAdminJobs, parseAdminJobQuery } from "./list-admin-jobs";
import { listAdminUsers, updateUserByAdmin } from "./users";

/**
 * The admin console's queries and changes on PGlite: jobs filtered, sorted and paged in the
 * database; accounts promoted, demoted and disabled (a disabled account's password and keys
 * stop working); the quota the keys page reads without counting a request.
 */
let handle: DatabaseHandle;

beforeAll(async () => {
  handle = await createTestDatabase("pglite");
});
afterAll(async () => {
  await handle?.close();
});

describe("admin console on pglite", () => {
  it("filters by kind, status, owner and day, sorts, and pages on the server", async () => {
    const ann = await createUser(handle.db, { email: "ann@example.com", password: "password-a" });
    const zed = await createUser(handle.db, { email: "zed@example.com", password: "password-z" });
    const day = (d: number, h = 12) => new Date(Date.UTC(2026, 10, d, h));
    // Rows as lib/jobs writes them, without running anything: this is about the query.
    await handle.db.insert(jobs).values([
      ...Array.from({ length: 23 }, (_, i) => ({ kind: "ingest" as const, status: "failed" as const, ownerId: ann.id, payload: {}, createdAt: day(10, i % 24) })),
      { kind: "render" as const, status: "completed" as const, ownerId: zed.id, payload: {}, createdAt: day(11), startedAt: day(11), completedAt: new Date(day(11).getTime() + 90_000) },
      { kind: "analyze" as const, status: "in_progress" as const, ownerId: null, payload: {}, createdAt: day(12), startedAt: day(12) },
    ]);

    const page1 = await listAdminJobs(handle.db, parseAdminJobQuery({ kind: "ingest", status: "failed", owner: "ANN@" }));
    expect(page1).toMatchObject({ total: 23, page: 1, pages: 2 });
    expect(page1.rows).toHaveLength(20);
    expect(new Set(page1.rows.map((row) => row.ownerEmail))).toEqual(new Set(["ann@example.com"]));
    const page2 = await listAdminJobs(handle.db, parseAdminJobQuery({ kind: "ingest", owner: "ann", page: "2" }));
    expect(page2.rows).toHaveLength(3);
    expect(new Set([...page1.rows, ...page2.rows].map((row) => row.id)).size).toBe(23);

    expect((await listAdminJobs(handle.db, parseAdminJobQuery({ owner: "anonymous" }))).rows.map((row) => row.kind)).toEqual(["analyze"]);
    expect((await listAdminJobs(handle.db, parseAdminJobQuery({ from: "2026-11-11", to: "2026-11-11" }))).rows.map((row) => row.kind)).toEqual(["render"]);
    expect((await listAdminJobs(handle.db, parseAdminJobQuery({ from: "2026-11-11" }))).total).toBe(2);
    // A wildcard in the owner text is a character, not a pattern.
    expect((await listAdminJobs(handle.db, parseAdminJobQuery({ owner: "%" }))).total).toBe(0);

    const byOwner = await listAdminJobs(handle.db, parseAdminJobQuery({ sort: "owner", dir: "desc" }));
    expect(byOwner.rows[0].ownerEmail).toBe("zed@example.com");
    const oldest = await listAdminJobs(handle.db, parseAdminJobQuery({ sort: "created", dir: "asc" }));
    expect(oldest.rows[0].createdAt.getTime()).toBe(day(10, 0).getTime());
    const longest = await listAdminJobs(handle.db, parseAdminJobQuery({ sort: "duration", dir: "desc", kind: "render" }));
    expect(longest.rows[0].kind).toBe("render");

    // A hand-edited URL still lists: unknown values fall back to the defaults.
    expect(parseAdminJobQuery({ kind: "teleport", status: "x", sort: "sideways", dir: "up", page: "-3", from: "yesterday" })).toEqual({ sort: "created", dir: "desc", page: 1 });
  });

  it("promotes, demotes and disables another account; a disabled account signs in nowhere and its keys are refused", async () => {
    const boss = await createUser(handle.db, { email: "boss@example.com", password: "password-boss" });
    const worker = await createUser(handle.db, { email: "worker@example.com", password: "password-worker" });
    const { key } = await createApiKey(handle.db, worker.id, "ci");

    await updateUserByAdmin(handle.db, boss.id, worker.id, { role: "admin" });
    expect((await getUser(handle.db, worker.id))?.role).toBe("admin");
    await updateUserByAdmin(handle.db, boss.id, worker.id, { role: "user" });
    expect((await getUser(handle.db, worker.id))?.role).toBe("user");

    await updateUserByAdmin(handle.db, boss.id, worker.id, { disabled: true });
    expect(await getUser(handle.db, worker.id)).toBeUndefined();
    expect(await authenticateWithPassword(handle.db, "worker@example.com", "password-worker")).toBeNull();
    const refused = await authenticateApiKey(handle.db, key).catch((error: unknown) => error);
    expect(isAppError(refused) && [refused.kind, refused.message]).toEqual(["forbidden", "Account is disabled"]);
    const listed = (await listAdminUsers(handle.db)).find((row) => row.id === worker.id);
    expect(listed).toMatchObject({ role: "user", liveKeys: 1 });
    expect(listed?.disabledAt).toBeInstanceOf(Date);

    await updateUserByAdmin(handle.db, boss.id, worker.id, { disabled: false });
    expect((await authenticateWithPassword(handle.db, "worker@example.com", "password-worker"))?.id).toBe(worker.id);
    expect((await authenticateApiKey(handle.db, key))?.user.id).toBe(worker.id);

    const self = await updateUserByAdmin(handle.db, boss.id, boss.id, { role: "user" }).catch((error: unknown) => error);
    expect(isAppError(self) && self.kind).toBe("bad_request");
    const missing = await updateUserByAdmin(handle.db, boss.id, "00000000-0000-4000-8000-000000000009", { disabled: true }).catch((error: unknown) => error);
    expect(isAppError(missing) && missing.message).toBe("User not found");
  });

  it("reads each key's quota without counting a request", async () => {
    const now = Date.UTC(2026, 11, 1, 13, 20);
    await consumeRateLimit(handle.db, "key-a", now, { limit: 100 });
    await consumeRateLimit(handle.db, "key-a", now, { limit: 100 });
    const read = await readRateLimits(handle.db, ["key-a", "key-b"], now, 100);
    const reset = Date.UTC(2026, 11, 1, 14) / 1000;
    expect(read.get("key-a")).toEqual({ limit: 100, used: 2, remaining: 98, reset });
    expect(read.get("key-b")).toEqual({ limit: 100, used: 0, remaining: 100, reset });
    expect((await readRateLimits(handle.db, ["key-a"], now, 100)).get("key-a")?.remaining).toBe(98);
    // The next hour starts afresh.
    expect((await readRateLimits(handle.db, ["key-a"], now + 3_600_000, 100)).get("key-a")?.remaining).toBe(100);
  });
});
