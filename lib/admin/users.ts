import { count, desc, eq, isNull, and } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { apiKeys, jobs, users, type UserRole } from "@/lib/db/schema";
import { announceKeysChanged } from "@/lib/auth/api-keys";
import { endSessions } from "@/lib/auth/users";
import { AppError } from "@/lib/errors";
import { isUuid } from "@/lib/ids";

export type AdminUserRow = { id: string; email: string; name: string | null; role: UserRole; disabledAt: Date | null; createdAt: Date; jobs: number; liveKeys: number };

/** Every account with its job count and live keys, newest first. */
export async function listAdminUsers(db: Db): Promise<AdminUserRow[]> {
  const [rows, jobCounts, keyCounts] = await Promise.all([
    db.select({ id: users.id, email: users.email, name: users.name, role: users.role, disabledAt: users.disabledAt, createdAt: users.createdAt }).from(users).orderBy(desc(users.createdAt)).limit(500),
    db.select({ ownerId: jobs.ownerId, n: count() }).from(jobs).groupBy(jobs.ownerId),
    db.select({ userId: apiKeys.userId, n: count() }).from(apiKeys).where(isNull(apiKeys.revokedAt)).groupBy(apiKeys.userId),
  ]);
  const jobsOf = new Map(jobCounts.map((row) => [row.ownerId, Number(row.n)]));
  const keysOf = new Map(keyCounts.map((row) => [row.userId, Number(row.n)]));
  return rows.map((row) => ({ ...row, jobs: jobsOf.get(row.id) ?? 0, liveKeys: keysOf.get(row.id) ?? 0 }));
}

/**
 * An admin changes another account: promote to admin, demote to user, disable or enable. A
 * disabled account cannot sign in, its sessions end at the next request and its keys are
 * refused with 403 (lib/auth). Nobody changes their own account here, so the console always
 * keeps the admin who is using it.
 */
export async function updateUserByAdmin(db: Db, actorId: string, userId: string, change: { role?: UserRole; disabled?: boolean }): Promise<void> {
  if (!isUuid(userId)) throw new AppError("not_found", "User not found");
  if (userId === actorId) throw new AppError("bad_request", "You cannot change your own account here");
  const set: { role?: UserRole; disabledAt?: Date | null } = {};
  if (change.role) set.role = change.role;
  if (change.disabled !== undefined) set.disabledAt = change.disabled ? new Date() : null;
  if (Object.keys(set).length === 0) return;
  const updated = await db
    .update(users)
    .set(set)
    .where(change.disabled ? and(eq(users.id, userId), isNull(users.disabledAt)) : eq(users.id, userId))
    .returning({ id: users.id });
  if (change.disabled && updated.length > 0) await endSessions(db, userId);
  // Keys verified before the change must not go on carrying the old rights (or any, once disabled).
  if (updated.length > 0) announceKeysChanged(userId);
  if (updated.length === 0) {
    const [exists] = await db.select({ id: users.id }).from(users).where(eq(users.id, userId));
    if (!exists) throw new AppError("not_found", "User not found");
  }
}

/** An account's email, disabled or not (the admin pages name owners). */
export async function userEmailOf(db: Db, userId: string | null): Promise<string | null> {
  if (!userId) return null;
  const [row] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return row?.email ?? null;
}
