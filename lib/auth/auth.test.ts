import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { DatabaseHandle } from "@/lib/db/client";
import { apiKeys, users } from "@/lib/db/schema";
import { createTestDatabase, testDatabases } from "@/lib/db/testing";
import { resetEnvForTests } from "@/lib/env";
import { apiKeyPattern, authenticateApiKey, createApiKey, hashApiKey, listApiKeys, revokeApiKey } from "./api-keys";
import { verifyPassword } from "./password";
import { registerWithApiKey } from "./register";
import { authenticateWithPassword, createUser } from "./users";

describe.each(testDatabases)("accounts and keys on %s", (kind) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
  });
  afterAll(async () => handle?.close());
  afterEach(() => {
    delete process.env.ADMIN_EMAIL;
    delete process.env.REGISTER_PER_HOUR;
    resetEnvForTests();
  });

  it("makes the first browser sign-up admin, never the first POST /register caller; ADMIN_EMAIL admin too", async () => {
    process.env.ADMIN_EMAIL = "Boss@Example.com";
    resetEnvForTests();
    const caller = (await registerWithApiKey(handle.db, "first-caller@example.com", { address: "203.0.113.9" })).user;
    const first = await createUser(handle.db, { email: "first@example.com", password: "correct horse" });
    const second = await createUser(handle.db, { email: "second@example.com", password: "correct horse" });
    const later = (await registerWithApiKey(handle.db, "later@example.com", { address: "203.0.113.9" })).user;
    const boss = await createUser(handle.db, { email: "BOSS@example.com", password: "correct horse" });
    expect([caller.role, first.role, second.role, later.role, boss.role]).toEqual(["user", "admin", "user", "user", "admin"]);
  });

  it("never makes an admin through POST /register, not even for ADMIN_EMAIL in any case, and keeps that address for sign-up", async () => {
    process.env.ADMIN_EMAIL = "Chief@Example.com";
    resetEnvForTests();
    for (const email of ["chief@example.com", "CHIEF@EXAMPLE.COM", " Chief@Example.com "]) {
      await expect(registerWithApiKey(handle.db, email, { address: "203.0.113.10" })).rejects.toMatchObject({ kind: "bad_request", message: "Email already registered" });
    }
    const [{ value: made }] = await handle.db.select({ value: sql<number>`count(*)::int` }).from(users).where(sql`lower(${users.email}) = 'chief@example.com'`);
    expect(made).toBe(0);
    const chief = await createUser(handle.db, { email: "CHIEF@example.com", password: "correct horse" });
    expect(chief.role).toBe("admin");
  });

  it("limits POST /register per client address, with Retry-After", async () => {
    process.env.REGISTER_PER_HOUR = "2";
    resetEnvForTests();
    const stamp = Date.now();
    const first = await registerWithApiKey(handle.db, `a1-${stamp}@example.com`, { address: "198.51.100.1" });
    expect(first.limit).toMatchObject({ limit: 2, remaining: 1 });
    // A refused email counts too: the limit is on attempts.
    await expect(registerWithApiKey(handle.db, "not-an-email", { address: "198.51.100.1" })).rejects.toMatchObject({ kind: "bad_request" });
    const refused = await registerWithApiKey(handle.db, `a3-${stamp}@example.com`, { address: "198.51.100.1" }).catch((error) => error);
    expect(refused).toMatchObject({ kind: "rate_limited", message: "Too many registrations from this address; try again later" });
    expect(Number(refused.headers["Retry-After"])).toBeGreaterThan(0);
    expect(Number(refused.headers["Retry-After"])).toBeLessThanOrEqual(3600);
    // Nothing was made for the refused call; another address is not affected.
    const [{ value: made }] = await handle.db.select({ value: sql<number>`count(*)::int` }).from(users).where(sql`${users.email} = ${`a3-${stamp}@example.com`}`);
    expect(made).toBe(0);
    const other = await registerWithApiKey(handle.db, `b1-${stamp}@example.com`, { address: "198.51.100.2" });
    expect(other.user.role).toBe("user");
  });

  it("stores passwords as scrypt hashes and checks them", async () => {
    await createUser(handle.db, { email: "pw@example.com", password: "s3cret-enough" });
    const [row] = await handle.db.select().from(users).where(sql`${users.email} = 'pw@example.com'`);
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(row.passwordHash).not.toContain("s3cret-enough");
    expect(await verifyPassword("s3cret-enough", row.passwordHash!)).toBe(true);
    expect(await authenticateWithPassword(handle.db, "PW@example.com", "s3cret-enough")).toMatchObject({ email: "pw@example.com" });
    expect(await authenticateWithPassword(handle.db, "pw@example.com", "wrong password")).toBeNull();
    expect(await authenticateWithPassword(handle.db, "nobody@example.com", "s3cret-enough")).toBeNull();
  });

  it("refuses a bad email and a duplicate one with the contract's messages", async () => {
    await expect(registerWithApiKey(handle.db, "not-an-email")).rejects.toMatchObject({ kind: "bad_request", message: "Invalid email format" });
    await expect(registerWithApiKey(handle.db, undefined)).rejects.toMatchObject({ message: "Invalid email format" });
    await registerWithApiKey(handle.db, "dup@example.com");
    await expect(registerWithApiKey(handle.db, "DUP@example.com ")).rejects.toMatchObject({ kind: "bad_request", message: "Email already registered" });
  });

  it("never stores a key in plain text, and a revoked key stops working", async () => {
    const { user, apiKey } = await registerWithApiKey(handle.db, "keys@example.com");
    expect(apiKey).toMatch(apiKeyPattern);
    const stored = await handle.db.select().from(apiKeys).where(sql`${apiKeys.userId} = ${user.id}`);
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(apiKey);
    expect(JSON.stringify(stored)).not.toContain(apiKey.slice(3));
    expect(stored[0].keyHash).toBe(hashApiKey(apiKey));

    const found = await authenticateApiKey(handle.db, apiKey);
    expect(found?.user.email).toBe("keys@example.com");
    const [listed] = await listApiKeys(handle.db, user.id);
    expect(listed.lastUsedAt).toBeInstanceOf(Date);

    const second = await createApiKey(handle.db, user.id, "ci");
    await revokeApiKey(handle.db, user.id, listed.id);
    expect(await authenticateApiKey(handle.db, apiKey)).toBeNull();
    expect((await authenticateApiKey(handle.db, second.key))?.keyId).toBe(second.summary.id);
    await expect(revokeApiKey(handle.db, user.id, listed.id)).rejects.toMatchObject({ kind: "not_found" });
  });

  it("refuses malformed and unknown keys without a lookup hit", async () => {
    expect(await authenticateApiKey(handle.db, "vr_short")).toBeNull();
    expect(await authenticateApiKey(handle.db, `vr_${"0".repeat(32)}`)).toBeNull();
  });
});
