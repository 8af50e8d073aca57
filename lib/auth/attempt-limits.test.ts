import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { createTestDatabase, testDatabases } from "@/lib/db/testing";
import { resetEnvForTests } from "@/lib/env";
import { countUnknownKey } from "./attempt-limits";
import { signUpWithPassword } from "./register";
import { signInWithPassword } from "./sign-in";
import { createUser } from "./users";

describe.each(testDatabases)("brute-force limits on %s", (kind) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
  });
  afterAll(async () => handle?.close());
  afterEach(() => {
    for (const name of ["SIGN_IN_FAILURES_PER_HOUR", "SIGN_IN_FAILURES_PER_ADDRESS_PER_HOUR", "SIGN_UP_PER_HOUR", "UNKNOWN_KEY_PER_HOUR"]) delete process.env[name];
    resetEnvForTests();
  });

  it("refuses an account's sign-in, the right password too, after its wrong ones, saying when to retry", async () => {
    process.env.SIGN_IN_FAILURES_PER_HOUR = "3";
    resetEnvForTests();
    await createUser(handle.db, { email: "target@example.com", password: "the right one" });
    for (let i = 0; i < 3; i++) expect(await signInWithPassword(handle.db, "target@example.com", `wrong ${i}`, `192.0.2.${i}`)).toBeNull();
    const refused = await signInWithPassword(handle.db, "TARGET@example.com", "the right one", "192.0.2.99").catch((error) => error);
    expect(refused).toMatchObject({ kind: "rate_limited" });
    expect(refused.message).toMatch(/^Too many failed sign-ins; try again in \d+ minutes?$/);
    const retryAfter = Number(refused.headers["Retry-After"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(refused.message).toContain(`in ${Math.ceil(retryAfter / 60)} minute`);
    // Another account is not affected.
    await createUser(handle.db, { email: "bystander@example.com", password: "the right one" });
    expect(await signInWithPassword(handle.db, "bystander@example.com", "the right one", "192.0.2.99")).toMatchObject({ email: "bystander@example.com" });
  });

  it("refuses an address's sign-ins after its wrong ones over all accounts", async () => {
    process.env.SIGN_IN_FAILURES_PER_ADDRESS_PER_HOUR = "4";
    resetEnvForTests();
    await createUser(handle.db, { email: "sprayed@example.com", password: "the right one" });
    for (let i = 0; i < 4; i++) expect(await signInWithPassword(handle.db, `nobody-${i}@example.com`, "guess", "198.51.100.50")).toBeNull();
    await expect(signInWithPassword(handle.db, "sprayed@example.com", "the right one", "198.51.100.50")).rejects.toMatchObject({ kind: "rate_limited" });
    expect(await signInWithPassword(handle.db, "sprayed@example.com", "the right one", "198.51.100.51")).toMatchObject({ email: "sprayed@example.com" });
  });

  it("limits browser sign-ups per address", async () => {
    process.env.SIGN_UP_PER_HOUR = "2";
    resetEnvForTests();
    const stamp = Date.now();
    await signUpWithPassword(handle.db, { email: `s1-${stamp}@example.com`, password: "long enough" }, { address: "203.0.113.70" });
    await signUpWithPassword(handle.db, { email: `s2-${stamp}@example.com`, password: "long enough" }, { address: "203.0.113.70" });
    const refused = await signUpWithPassword(handle.db, { email: `s3-${stamp}@example.com`, password: "long enough" }, { address: "203.0.113.70" }).catch((error) => error);
    expect(refused).toMatchObject({ kind: "rate_limited", message: "Too many sign-ups from this address; try again later" });
    expect(Number(refused.headers["Retry-After"])).toBeGreaterThan(0);
    await signUpWithPassword(handle.db, { email: `s4-${stamp}@example.com`, password: "long enough" }, { address: "203.0.113.71" });
  });

  it("answers 429 after N unknown API keys from one address", async () => {
    process.env.UNKNOWN_KEY_PER_HOUR = "2";
    resetEnvForTests();
    await countUnknownKey(handle.db, "203.0.113.80");
    await countUnknownKey(handle.db, "203.0.113.80");
    await expect(countUnknownKey(handle.db, "203.0.113.80")).rejects.toMatchObject({ kind: "rate_limited" });
    await countUnknownKey(handle.db, "203.0.113.81");
  });
});
