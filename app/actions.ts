"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { createApiKey } from "@/lib/auth/api-keys";
import { changePassword } from "@/lib/auth/change-password";
import { signUpWithPassword } from "@/lib/auth/register";
import { currentUser, signIn, signOut, TooManySignIns } from "@/lib/auth/session";
import { endSessions } from "@/lib/auth/users";
import { clientAddress } from "@/lib/http/client-address";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { safeReturnPath, signInHref } from "@/lib/auth/return-to";

/** What a form shows after its action: an error, the email typed (React resets forms), a new key. */
export type FormState = { error?: string; email?: string; key?: string; keyName?: string; keyId?: string };

function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

export async function signInAction(_state: FormState, form: FormData): Promise<FormState> {
  try {
    await signIn("credentials", { email: field(form, "email"), password: field(form, "password"), redirectTo: safeReturnPath(field(form, "callbackUrl")) });
  } catch (error) {
    if (error instanceof TooManySignIns) return { error: error.detail, email: field(form, "email") };
    if (error instanceof AuthError) return { error: "Wrong email or password", email: field(form, "email") };
    throw error; // the redirect after a successful sign-in travels as an error
  }
  return {};
}

export async function signUpAction(_state: FormState, form: FormData): Promise<FormState> {
  const email = field(form, "email");
  const password = field(form, "password");
  try {
    await signUpWithPassword(await db(), { email, password, name: field(form, "name") }, { address: clientAddress({ headers: await headers() }) });
  } catch (error) {
    if (isAppError(error)) return { error: error.message, email };
    throw error;
  }
  await signIn("credentials", { email, password, redirectTo: safeReturnPath(field(form, "callbackUrl")) });
  return {};
}

/** `_form`: the nav's sign-out form calls this with its (empty) FormData. */
export async function signOutAction(_form?: FormData): Promise<void> {
  // Every session of the account ends, not only this cookie: a copied one opens nothing after.
  const user = await currentUser();
  if (user) await endSessions(await db(), user.id);
  await signOut({ redirectTo: "/sign-in" });
}

/**
 * The password page's form. Every session of the account ends (changePassword), this one
 * included; the user who changed it is signed in again at once with the new password, so only
 * this browser holds a live session: they just proved both passwords, and asking for the new
 * one again would add nothing but a step.
 */
export async function changePasswordAction(_state: FormState, form: FormData): Promise<FormState> {
  const user = await requireUser();
  const next = field(form, "newPassword");
  if (next !== field(form, "repeatPassword")) return { error: "The new passwords do not match" };
  try {
    await changePassword(await db(), user.id, { current: field(form, "currentPassword"), next }, { address: clientAddress({ headers: await headers() }) });
  } catch (error) {
    if (isAppError(error)) return { error: error.message };
    throw error;
  }
  try {
    await signIn("credentials", { email: user.email, password: next, redirectTo: "/keys?password=changed" });
  } catch (error) {
    // The password is changed and every session ended; only signing this browser in again was
    // refused (the sign-in limits): the sign-in page takes it from there.
    if (error instanceof AuthError) redirect(signInHref("/keys"));
    throw error; // the redirect after a successful sign-in travels as an error
  }
  return {};
}

async function requireUser() {
  const user = await currentUser();
  if (!user) redirect("/sign-in");
  return user;
}

export async function createKeyAction(_state: FormState, form: FormData): Promise<FormState> {
  const user = await requireUser();
  const name = field(form, "name").slice(0, 80);
  const { key, summary } = await createApiKey(await db(), user.id, name);
  revalidatePath("/keys");
  return { key, keyName: summary.name, keyId: summary.id };
}
