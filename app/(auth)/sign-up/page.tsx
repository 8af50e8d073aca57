import { AuthForm } from "@/components/auth-form";
import { signUpAction } from "@/app/actions";

export const metadata = { title: "Create account · Framewise" };

export default function SignUpPage() {
  return <AuthForm mode="sign-up" action={signUpAction} />;
}
