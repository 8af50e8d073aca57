import { redirect } from "next/navigation";
import { ChangePasswordForm } from "@/components/change-password-form";
import { signInHref } from "@/lib/auth/return-to";
import { currentUser } from "@/lib/auth/session";

export const metadata = { title: "Change password · Framewise" };

/** For a signed-in user (browser accounts always have a password; POST /register ones cannot sign in here). */
export default async function ChangePasswordPage() {
  const user = await currentUser();
  if (!user) redirect(signInHref("/account/password"));
  return (
    <div className="mx-auto mt-8 max-w-md rounded-2xl border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-semibold tracking-tight">Change password</h1>
      <p className="mt-1 text-sm text-slate-600">
        Signed in as {user.email}. Changing it signs out every other browser at once; this one stays signed in.
      </p>
      <ChangePasswordForm />
    </div>
  );
}
