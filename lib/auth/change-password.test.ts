import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/lib/db/client";
import { createTestDatabase, testDatabases } from "@/lib/db/testing";
import { resetEnvForTests } from "@/lib/env";
import { subscribe, topics } from "@/lib/ws/hub";
import { changePassword } from "./change-password";
import { registerWithApiKey } from "./register";
import { authenticateWithPassword, createUser, getSessionUser, sessionEpochOf } from "./users";

describe.each(testDatabases)("changePassword on %s", (kind) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
  });
  afterAll(async () => handle?.close());
  afterEach(() => {
    delete process.env.SIGN_IN_FAILURES_PER_HOUR;
    resetEnvForTests();
  });
  const caller = { address: "192.0.2.40" };

  it("takes the new password, drops the old one, and ends every session and socket of the account at once", async () => {
    const user = await createUser(handle.db, { email: `change-${kind}@example.com`, password: "the old password" });
    const epoch = await sessionEpochOf(handle.db, user.id);
    expect(await getSessionUser(handle.db, user.id, epoch)).toBeDefined();
    const heard: unknown[] = [];
    const stop = subscribe(topics.user(user.id), (message) => heard.push(message));
    try {
      await changePassword(handle.db, user.id, { current: "the old password", next: "a brand new one" }, caller);
    } finally {
      stop();
    }
    expect(heard).toEqual([{ type: "session_ended" }]);
    // A token made before the change (its epoch) opens nothing; one made after does.
    expect(await getSessionUser(handle.db, user.id, epoch)).toBeUndefined();
    expect(await getSessionUser(handle.db, user.id, await sessionEpochOf(handle.db, user.id))).toBeDefined();
    expect(await authenticateWithPassword(handle.db, user.email, "the old password")).toBeNull();
    expect(await authenticateWithPassword(handle.db, user.email, "a brand new one")).toMatchObject({ id: user.id });
  });

  it("refuses a wrong current password, a short or unchanged new one, and an account without a password, changing nothing", async () => {
    const user = await createUser(handle.db, { email: `refuse-${kind}@example.com`, password: "the old password" });
    const epoch = await sessionEpochOf(handle.db, user.id);
    const cases: [{ current: string; next: string }, string][] = [
      [{ current: "not the password", next: "a brand new one" }, "Current password is wrong"],
      [{ current: "the old password", next: "short" }, "Password must be at least 8 characters"],
      [{ current: "the old password", next: "the old password" }, "The new password must differ from the current one"],
    ];
    for (const [input, message] of cases) {
      await expect(changePassword(handle.db, user.id, input, caller)).rejects.toMatchObject({ kind: "bad_request", message });
    }
    expect(await sessionEpochOf(handle.db, user.id)).toBe(epoch);
    expect(await authenticateWithPassword(handle.db, user.email, "the old password")).toMatchObject({ id: user.id });
    const registered = (await registerWithApiKey(handle.db, `nopassword-${kind}@example.com`)).user;
    await expect(changePassword(handle.db, registered.id, { current: "", next: "a brand new one" }, caller)).rejects.toMatchObject({ kind: "bad_request" });
  });

  it("counts wrong current passwords against the sign-in limits", async () => {
    process.env.SIGN_IN_FAILURES_PER_HOUR = "2";
    resetEnvForTests();
    const user = await createUser(handle.db, { email: `guess-${kind}@example.com`, password: "the old password" });
    for (let i = 0; i < 2; i++) {
      await expect(changePassword(handle.db, user.id, { current: `guess ${i}`, next: "a brand new one" }, caller)).rejects.toMatchObject({ kind: "bad_request" });
    }
    await expect(changePassword(handle.db, user.id, { current: "the old password", next: "a brand new one" }, caller)).rejects.toMatchObject({ kind: "rate_limited" });
  });
});
