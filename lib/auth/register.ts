import type { Db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { consumeRateLimit } from "@/lib/http/rate-limit";
import { createApiKey } from "./api-keys";
import { consumeSignUp } from "./attempt-limits";
import { createUser } from "./users";

/**
 * `POST /register` (contracts/reframer.md §2): an account and its first key, in one call.
 * Anyone may call it, so each client address gets REGISTER_PER_HOUR attempts an hour (bad
 * and duplicate emails count too), and the account is never an admin, not even for the
 * ADMIN_EMAIL address (createUser).
 */
export async function registerWithApiKey(db: Db, email: unknown, caller: { address: string } = { address: "unknown" }) {
  const limit = await consumeRateLimit(db, `register:ip:${caller.address}`, Date.now(), {
    limit: env().REGISTER_PER_HOUR,
    exact: true,
    message: "Too many registrations from this address; try again later",
  });
  const user = await createUser(db, { email: typeof email === "string" ? email : "" });
  const { key } = await createApiKey(db, user.id, "registered");
  return { user, apiKey: key, limit };
}

/** A browser sign-up from `address`: SIGN_UP_PER_HOUR an hour per address (refused ones count too). */
export async function signUpWithPassword(db: Db, input: { email: string; password: string; name?: string }, caller: { address: string }) {
  await consumeSignUp(db, caller.address);
  return createUser(db, input);
}
