import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { updateUserByAdmin } from "@/lib/admin/users";
import type { DatabaseHandle } from "@/lib/db/client";
import { apiKeys } from "@/lib/db/schema";
import { createTestDatabase, testDatabases } from "@/lib/db/testing";
import { isAppError } from "@/lib/errors";
import { listenerCount, topics } from "@/lib/ws/hub";
import { authenticateApiKey, createApiKey, KEY_CACHE_MS, revokeApiKey } from "./api-keys";
import { createUser } from "./users";

/**
 * authenticateApiKey remembers a verified key for KEY_CACHE_MS: the proof that it does is a row
 * changed behind its back (as another replica out of the hub's reach would) that it does not
 * see until the interval ends; and every change made through the verbs (revoking, disabling,
 * demoting) is seen at once.
 */
describe.each(testDatabases)("API key verification remembered on %s", (kind) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase(kind);
  });
  afterAll(async () => handle?.close());
  afterEach(() => vi.restoreAllMocks());

  const account = async (name: string) => createUser(handle.db, { email: `${name}-${Date.now()}@example.com` });
  const lastUsed = async (keyId: string) => (await handle.db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, keyId)))[0].at;

  it("answers from memory within the interval, writes last_used_at once per interval, and reads again after it", async () => {
    const user = await account("poller");
    const { key, summary } = await createApiKey(handle.db, user.id);
    expect((await authenticateApiKey(handle.db, key))?.keyId).toBe(summary.id);
    const first = await lastUsed(summary.id);
    expect(first).toBeInstanceOf(Date);

    // Revoked by hand, unannounced: this process goes on trusting the key until the interval ends.
    await handle.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, summary.id));
    for (let i = 0; i < 5; i++) expect((await authenticateApiKey(handle.db, key))?.user.id).toBe(user.id);
    expect(await lastUsed(summary.id)).toEqual(first);

    const later = Date.now() + KEY_CACHE_MS + 1;
    vi.spyOn(Date, "now").mockReturnValue(later);
    expect(await authenticateApiKey(handle.db, key)).toBeNull();
  });

  it("forgets a key revoked through revokeApiKey at once, and no other key of the account stays trusted", async () => {
    const user = await account("revoker");
    const one = await createApiKey(handle.db, user.id, "one");
    const two = await createApiKey(handle.db, user.id, "two");
    await authenticateApiKey(handle.db, one.key);
    await authenticateApiKey(handle.db, two.key);
    expect(listenerCount(topics.keys(user.id))).toBe(1);

    await revokeApiKey(handle.db, user.id, one.summary.id);
    expect(await authenticateApiKey(handle.db, one.key)).toBeNull();
    expect((await authenticateApiKey(handle.db, two.key))?.keyId).toBe(two.summary.id);
  });

  it("sees an admin's demotion and disabling of the owner at once", async () => {
    const boss = await account("boss");
    const user = await account("member");
    await updateUserByAdmin(handle.db, boss.id, user.id, { role: "admin" });
    const { key } = await createApiKey(handle.db, user.id);
    expect((await authenticateApiKey(handle.db, key))?.user.role).toBe("admin");

    await updateUserByAdmin(handle.db, boss.id, user.id, { role: "user" });
    expect((await authenticateApiKey(handle.db, key))?.user.role).toBe("user");

    await updateUserByAdmin(handle.db, boss.id, user.id, { disabled: true });
    const refused = await authenticateApiKey(handle.db, key).catch((error: unknown) => error);
    expect(isAppError(refused) && [refused.kind, refused.message]).toEqual(["forbidden", "Account is disabled"]);
    // Refusals are not remembered: enabling the account lets the key in again at once.
    await updateUserByAdmin(handle.db, boss.id, user.id, { disabled: false });
    expect((await authenticateApiKey(handle.db, key))?.user.id).toBe(user.id);
  });

  it("remembers nothing for a key that does not check out", async () => {
    expect(await authenticateApiKey(handle.db, `vr_${"0".repeat(32)}`)).toBeNull();
    expect(await authenticateApiKey(handle.db, "not-a-key")).toBeNull();
  });
});
