import { count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { users, type User, type UserRole } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { publish, topics } from "@/lib/ws/hub";
import { assertPasswordRules, hashPassword, verifyPassword } from "./password";

export type AuthUser = { id: string; email: string; role: UserRole; name: string | null };

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(254));

export function toAuthUser(user: User): AuthUser {
  return { id: user.id, email: user.email, role: user.role, name: user.name };
}

export function parseEmail(raw: unknown): string {
  const parsed = emailSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("bad_request", "Invalid email format");
  return parsed.data;
}

/**
 * Creates an account. An admin is a browser sign-up (one with a password) whose email is
 * ADMIN_EMAIL, or the first browser sign-up while there is no admin yet: the operator who opens
 * a fresh server. `password` is absent for accounts made through `POST /register`, which anyone
 * may call, so those are never admins, whatever the address: otherwise whoever registered
 * ADMIN_EMAIL first would hold an admin key and lock the operator out.
 */
export async function createUser(db: Db, input: { email: string; password?: string; name?: string }): Promise<AuthUser> {
  const email = parseEmail(input.email);
  if (input.password !== undefined) assertPasswordRules(input.password);
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  const adminEmail = env().ADMIN_EMAIL?.trim().toLowerCase();
  // The operator's address is kept for the operator's sign-up: taken through `POST /register`
  // it would lock them out of their own server.
  if (passwordHash === null && email === adminEmail) throw new AppError("bad_request", "Email already registered");
  try {
    return await db.transaction(async (tx) => {
      // One sign-up at a time decides "no admin yet": two first sign-ups cannot both be admins.
      await tx.execute(sql`select pg_advisory_xact_lock(${firstAdminLock})`);
      const [{ value: admins }] = await tx.select({ value: count() }).from(users).where(eq(users.role, "admin"));
      const browserSignUp = passwordHash !== null;
      const role: UserRole = browserSignUp && (email === adminEmail || admins === 0) ? "admin" : "user";
      const [row] = await tx
        .insert(users)
        .values({ email, passwordHash, role, name: input.name?.trim() || null })
        .returning();
      return toAuthUser(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("bad_request", "Email already registered");
    throw error;
  }
}

/** Any fixed number: the advisory lock that serializes the first-admin decision. */
const firstAdminLock = 7_310_001;

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()))
    .limit(1);
  return row;
}

/** A live account by id; a disabled one is treated as gone, so its open sessions end at once. */
export async function getUser(db: Db, id: string): Promise<AuthUser | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row && !row.disabledAt ? toAuthUser(row) : undefined;
}

/**
 * The live account behind a browser session token made at `epoch`: none once the account is
 * disabled or has ended its sessions since (endSessions), so an old cookie opens nothing.
 */
export async function getSessionUser(db: Db, id: string, epoch: number): Promise<AuthUser | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row && !row.disabledAt && row.sessionEpoch === epoch ? toAuthUser(row) : undefined;
}

export async function sessionEpochOf(db: Db, id: string): Promise<number> {
  const [row] = await db.select({ epoch: users.sessionEpoch }).from(users).where(eq(users.id, id)).limit(1);
  return row?.epoch ?? 0;
}

/**
 * Ends every browser session of an account at once (sign-out, a password change, disabling):
 * tokens carry the epoch this bumps, and its open sockets are told to close (lib/ws/upgrade.ts).
 */
export async function endSessions(db: Db, id: string): Promise<void> {
  await db.update(users).set({ sessionEpoch: sql`${users.sessionEpoch} + 1` }).where(eq(users.id, id));
  publish(topics.user(id), { type: "session_ended" });
}

/**
 * Checks email and password; the same answer for an unknown email, a wrong password and a
 * disabled account.
 */
export async function authenticateWithPassword(db: Db, email: string, password: string): Promise<AuthUser | null> {
  const user = await findUserByEmail(db, email);
  if (!user?.passwordHash || user.disabledAt) return null;
  return (await verifyPassword(password, user.passwordHash)) ? toAuthUser(user) : null;
}

export function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: string }).code === "23505") return true;
  }
  return false;
}
