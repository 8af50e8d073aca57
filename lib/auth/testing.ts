import type { Db } from "@/lib/db/client";
import { createUser, type AuthUser } from "./users";

/**
 * The three accounts the visibility tests need, on a fresh database: the admin (the first
 * sign-up with a password becomes the admin), an owner of the work under test, and a stranger
 * who must never see it. Accounts made without a password are users.
 */
export async function createAccounts(db: Db): Promise<{ admin: AuthUser; owner: AuthUser; stranger: AuthUser }> {
  const admin = await createUser(db, { email: "admin@example.com", password: "long enough" });
  const owner = await createUser(db, { email: "owner@example.com" });
  const stranger = await createUser(db, { email: "stranger@example.com" });
  return { admin, owner, stranger };
}
