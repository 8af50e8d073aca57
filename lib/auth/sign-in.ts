import type { Db } from "@/lib/db/client";
import { assertSignInAllowed, countSignInFailure } from "./attempt-limits";
import { authenticateWithPassword, type AuthUser } from "./users";

/**
 * A browser sign-in from `address`: refused with 429 (rate_limited) once the account or the
 * address has spent its wrong passwords this hour, and each wrong password counted.
 */
export async function signInWithPassword(db: Db, email: string, password: string, address: string): Promise<AuthUser | null> {
  await assertSignInAllowed(db, email, address);
  const user = await authenticateWithPassword(db, email, password);
  if (!user) await countSignInFailure(db, email, address);
  return user;
}
