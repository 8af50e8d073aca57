import { forbidden, redirect } from "next/navigation";
import { signInHref } from "@/lib/auth/return-to";
import { currentUser } from "@/lib/auth/session";
import type { AuthUser } from "@/lib/auth/users";

/**
 * Every admin page and action starts here: signed out -> sign in, coming back to `returnTo`
 * (the page's own path); not an admin -> the styled 403.
 */
export async function requireAdmin(returnTo = "/admin"): Promise<AuthUser> {
  const user = await currentUser();
  if (!user) redirect(signInHref(returnTo));
  if (user.role !== "admin") forbidden();
  return user;
}
