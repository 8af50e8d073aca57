import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNotNull, isNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { apiKeys, users } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/ids";
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
}

/**
 * The user behind a live key, or null. Marks the key as used. A disabled account's keys are
 * refused as forbidden: the key is right, its owner may not use it.
 */
export async function authenticateApiKey(db: Db, key: string): Promise<{ user: AuthUser; keyId: string } | null> {
  if (!apiKeyPattern.test(key)) return null;
  const [row] = await db
    .select({ keyId: apiKeys.id, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, hashApiKey(key)), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) return null;
  if (row.user.disabledAt) throw new AppError("forbidden", "Account is disabled");
  await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, row.keyId));
  return { user: toAuthUser(row.user), keyId: row.keyId };
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
