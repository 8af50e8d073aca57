import { AuthForm } from "@/components/auth-form";
import { signInAction } from "@/app/actions";

export const metadata = { title: "Sign in · Framewise" };

export default function SignInPage() {
  return <AuthForm mode="sign-in" action={signInAction} />;
}
