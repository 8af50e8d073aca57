import { AuthForm } from "@/components/auth-form";
import { signUpAction } from "@/app/actions";
import { safeReturnPath } from "@/lib/auth/return-to";

export const metadata = { title: "Create account · Framewise" };

/** `?callbackUrl=/path`: where to go once signed in (set by pages that need a session and by the nav). */
export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[] }> }) {
  const { callbackUrl } = await searchParams;
  return <AuthForm mode="sign-up" action={signUpAction} returnTo={safeReturnPath(callbackUrl)} />;
}
