"use server";

import { revalidatePath } from "next/cache";
import { updateUserByAdmin } from "@/lib/admin/users";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { requireAdmin } from "./require-admin";

export type AdminActionResult = { ok: true } | { ok: false; error: string };

/** Promote, demote, disable or enable another account (lib/admin/users.ts). */
export async function updateUserAction(userId: string, change: "promote" | "demote" | "disable" | "enable"): Promise<AdminActionResult> {
  const admin = await requireAdmin();
  if (typeof userId !== "string") return { ok: false, error: "User not found" };
  const changes = { promote: { role: "admin" as const }, demote: { role: "user" as const }, disable: { disabled: true }, enable: { disabled: false } };
  if (!(change in changes)) return { ok: false, error: "Unknown change" };
  try {
    await updateUserByAdmin(await db(), admin.id, userId, changes[change]);
  } catch (error) {
    if (isAppError(error)) return { ok: false, error: error.message };
    throw error;
  }
  revalidatePath("/admin/users");
  return { ok: true };
}
