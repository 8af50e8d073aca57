import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNotNull, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { apiKeys, users } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
import { publish, subscribe, topics } from "@/lib/ws/hub";
import { toAuthUser, type AuthUser } from "./users";

/** `vr_` + 32 lowercase hex characters (contracts/reframer.md). */
export const apiKeyPattern = /^vr_[0-9a-f]{32}$/;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export type ApiKeySummary = {
  id: string;
  name: string;
  displayPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

/** Makes a key for a user. The plain key is returned once, here, and never stored. */
export async function createApiKey(db: Db, userId: string, name = "default"): Promise<{ key: string; summary: ApiKeySummary }> {
  const key = `vr_${randomBytes(16).toString("hex")}`;
  const [row] = await db
    .insert(apiKeys)
    .values({ userId, name: name.trim() || "default", keyHash: hashApiKey(key), displayPrefix: key.slice(0, 7) })
    .returning();
  return { key, summary: toSummary(row) };
}

export async function listApiKeys(db: Db, userId: string): Promise<ApiKeySummary[]> {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt));
  return rows.map(toSummary);
}

export async function revokeApiKey(db: Db, userId: string, keyId: string): Promise<void> {
  if (!isUuid(keyId)) throw new AppError("not_found", "API key not found");
  const revoked = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (revoked.length === 0) throw new AppError("not_found", "API key not found");
  announceKeysChanged(userId);
}

/**
 * The user behind a live key, or null. Marks the key as used. A disabled account's keys are
 * refused as forbidden: the key is right, its owner may not use it.
 *
 * A key that checks out is remembered for KEY_CACHE_MS in this process, so that a client
 * polling many times a second costs one lookup (and one `last_used_at` write) per interval
 * rather than per request. What could make a remembered answer wrong is announced on the
 * owner's `keys:` topic (revoking a key; an admin disabling, enabling, promoting or demoting
 * the account: lib/admin/users.ts) and forgets every key of that owner at once; the interval
 * bounds anything announced where this process does not hear it.
 */
export async function authenticateApiKey(db: Db, key: string): Promise<{ user: AuthUser; keyId: string } | null> {
  if (!apiKeyPattern.test(key)) return null;
  const hash = hashApiKey(key);
  const cache = keyCacheOf(db);
  const known = cache.byHash.get(hash);
  if (known && Date.now() - known.at < KEY_CACHE_MS) return { user: known.user, keyId: known.keyId };
  const generation = cache.generation;
  const [row] = await db
    .select({ keyId: apiKeys.id, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  if (row.user.disabledAt) throw new AppError("forbidden", "Account is disabled");
  await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, row.keyId));
  const found = { user: toAuthUser(row.user), keyId: row.keyId };
  // Not when a change was announced while the row was being read: it may predate the change.
  if (cache.generation === generation) remember(cache, hash, found);
  return found;
}

/** How long a verified key is taken on trust in one process (see authenticateApiKey). */
export const KEY_CACHE_MS = 10_000;
const KEY_CACHE_SIZE = 10_000;

type KnownKey = { user: AuthUser; keyId: string; at: number };
type KeyCache = {
  byHash: Map<string, KnownKey>;
  /** Each owner's remembered key hashes, with the subscription that forgets them. */
  byOwner: Map<string, { hashes: Set<string>; unsubscribe: () => void }>;
  /** Bumped by every announced change: a lookup that straddles one is not remembered. */
  generation: number;
};

// One cache per database (tests open several in one process), on globalThis: Next bundles
// route handlers apart from server.ts, and all of them must forget a revoked key together.
const keyCaches: WeakMap<Db, KeyCache> = ((globalThis as { __framewiseKeyCaches?: WeakMap<Db, KeyCache> }).__framewiseKeyCaches ??= new WeakMap());

function keyCacheOf(db: Db): KeyCache {
  let cache = keyCaches.get(db);
  if (!cache) keyCaches.set(db, (cache = { byHash: new Map(), byOwner: new Map(), generation: 0 }));
  return cache;
}

function remember(cache: KeyCache, hash: string, found: { user: AuthUser; keyId: string }): void {
  forget(cache, hash);
  cache.byHash.set(hash, { ...found, at: Date.now() });
  let owner = cache.byOwner.get(found.user.id);
  if (!owner) {
    const userId = found.user.id;
    const unsubscribe = subscribe(topics.keys(userId), () => forgetOwner(cache, userId));
    cache.byOwner.set(userId, (owner = { hashes: new Set(), unsubscribe }));
  }
  owner.hashes.add(hash);
  // Oldest first out (a Map iterates in insertion order).
  while (cache.byHash.size > KEY_CACHE_SIZE) forget(cache, cache.byHash.keys().next().value!);
}

function forget(cache: KeyCache, hash: string): void {
  const known = cache.byHash.get(hash);
  if (!known) return;
  cache.byHash.delete(hash);
  const owner = cache.byOwner.get(known.user.id);
  owner?.hashes.delete(hash);
  if (owner && owner.hashes.size === 0) {
    owner.unsubscribe();
    cache.byOwner.delete(known.user.id);
  }
}

function forgetOwner(cache: KeyCache, userId: string): void {
  cache.generation += 1;
  for (const hash of [...(cache.byOwner.get(userId)?.hashes ?? [])]) forget(cache, hash);
}

/**
 * Tells every process that an account's keys or rights changed, so that none goes on trusting
 * a key it verified before (authenticateApiKey's cache). Called after the change is written.
 */
export function announceKeysChanged(userId: string): void {
  publish(topics.keys(userId), { type: "keys_changed" });
}

function toSummary(row: typeof apiKeys.$inferSelect): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    displayPrefix: row.displayPrefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

/** Removes a key that is already revoked: a live key must be revoked (and seen to be) first. */
export async function deleteRevokedApiKey(db: Db, userId: string, keyId: string): Promise<void> {
  if (!isUuid(keyId)) throw new AppError("not_found", "Revoked API key not found");
  const deleted = await db
    .delete(apiKeys)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId), isNotNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  if (deleted.length === 0) throw new AppError("not_found", "Revoked API key not found");
}
