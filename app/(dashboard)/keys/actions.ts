"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { deleteRevokedApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";

/** The keys page's row actions: the signed-in user's own keys only (lib/auth/api-keys.ts). */
export type KeyActionResult = { ok: true } | { ok: false; error: string };

async function forOwnKey(keyId: unknown, action: (userId: string, keyId: string) => Promise<void>): Promise<KeyActionResult> {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  if (typeof keyId !== "string") return { ok: false, error: "API key not found" };
  try {
    await action(user.id, keyId);
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    throw error;
  }
  revalidatePath("/keys");
  return { ok: true };
}

export async function revokeKey(keyId: string): Promise<KeyActionResult> {
  return forOwnKey(keyId, async (userId, id) => revokeApiKey(await db(), userId, id));
}

export async function deleteKey(keyId: string): Promise<KeyActionResult> {
  return forOwnKey(keyId, async (userId, id) => deleteRevokedApiKey(await db(), userId, id));
}
