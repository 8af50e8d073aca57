import type { Db } from "@/lib/db/client";
import { createApiKey } from "./api-keys";
import { createUser } from "./users";

/** `POST /register` (contracts/reframer.md §2): an account and its first key, in one call. */
export async function registerWithApiKey(db: Db, email: unknown) {
  const user = await createUser(db, { email: typeof email === "string" ? email : "" });
  const { key } = await createApiKey(db, user.id, "registered");
  return { user, apiKey: key };
}
