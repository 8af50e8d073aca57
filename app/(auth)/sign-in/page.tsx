import { AuthForm } from "@/components/auth-form";
import { signInAction } from "@/app/actions";
import { safeReturnPath } from "@/lib/auth/return-to";

export const metadata = { title: "Sign in · Framewise" };

/** `?callbackUrl=/path`: where to go once signed in (set by pages that need a session and by the nav). */
export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const { callbackUrl } = await searchParams;
  return <AuthForm mode="sign-in" action={signInAction} returnTo={safeReturnPath(callbackUrl)} />;
}
