"use client";

import { useActionState } from "react";
import { changePasswordAction, type FormState } from "@/app/actions";

const inputClass = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-500/20";

/** The current password, the new one twice; on success the action signs in again and goes to /keys. */
export function ChangePasswordForm() {
  const [state, formAction, pending] = useActionState<FormState, FormData>(changePasswordAction, {});
  return (
    <form action={formAction} className="mt-6 space-y-4">
      <label className="block text-sm font-medium">
        Current password
        <input name="currentPassword" type="password" required autoComplete="current-password" className={inputClass} />
      </label>
      <label className="block text-sm font-medium">
        New password
        <input name="newPassword" type="password" required minLength={8} autoComplete="new-password" className={inputClass} />
      </label>
      <label className="block text-sm font-medium">
        Repeat the new password
        <input name="repeatPassword" type="password" required minLength={8} autoComplete="new-password" className={inputClass} />
      </label>
      {state.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{state.error}</p>
      )}
      <button disabled={pending} className="w-full rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Please wait…" : "Change password"}
      </button>
    </form>
  );
}
