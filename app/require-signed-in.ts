import { redirect } from "next/navigation";
import { signInHref } from "@/lib/auth/return-to";
import { currentUser } from "@/lib/auth/session";

/** The signed-in user of a page that needs one; signed out, off to sign in and back to `returnTo`. */
export async function requireSignedIn(returnTo: string) {
  const user = await currentUser();
  if (!user) redirect(signInHref(returnTo));
  return user;
}
