import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { users } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { assertSignInAllowed, countSignInFailure } from "./attempt-limits";
import { assertPasswordRules, hashPassword, verifyPassword } from "./password";
import { endSessions } from "./users";

/**
 * A signed-in user's new password: the current one is required (a borrowed session alone may
 * not take the account over), and wrong ones count against the sign-in limits of the account
 * and the caller's address, so the form is no way around them. The new password follows
 * sign-up's rule. Every browser session of the account ends at once, its WebSockets included
 * (endSessions): a session opened with the old password opens nothing after.
 */
export async function changePassword(db: Db, userId: string, input: { current: string; next: string }, caller: { address: string }): Promise<void> {
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!user || user.disabledAt) throw new AppError("not_found", "Account not found");
  if (!user.passwordHash) throw new AppError("bad_request", "This account has no password (it was made by POST /register)");
  await assertSignInAllowed(db, user.email, caller.address);
  if (!(await verifyPassword(input.current, user.passwordHash))) {
    await countSignInFailure(db, user.email, caller.address);
    throw new AppError("bad_request", "Current password is wrong");
  }
  assertPasswordRules(input.next);
  if (input.next === input.current) throw new AppError("bad_request", "The new password must differ from the current one");
  await db.update(users).set({ passwordHash: await hashPassword(input.next) }).where(eq(users.id, userId));
  await endSessions(db, userId);
}
