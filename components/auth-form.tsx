"use client";

import Link from "next/link";
import { useActionState } from "react";
import type { FormState } from "@/app/actions";

type Props = {
  mode: "sign-in" | "sign-up";
  action: (state: FormState, form: FormData) => Promise<FormState>;
  /** Where to go once signed in (a path on this site, already checked). */
  returnTo: string;
};

export function AuthForm({ mode, action, returnTo }: Props) {
  const [state, formAction, pending] = useActionState(action, {});
  const signUp = mode === "sign-up";
  const carry = returnTo === "/" ? "" : `?callbackUrl=${encodeURIComponent(returnTo)}`;
  return (
    <div className="mx-auto mt-8 max-w-md rounded-2xl border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-semibold tracking-tight">{signUp ? "Create your account" : "Sign in to Framewise"}</h1>
      <p className="mt-1 text-sm text-slate-600">
        {signUp ? "The first account on a new server becomes its admin." : "Analyse videos, review jobs and manage API keys."}
      </p>
      <form action={formAction} className="mt-6 space-y-4">
        <input type="hidden" name="callbackUrl" value={returnTo} />
        {signUp && (
          <label className="block text-sm font-medium">
            Name
            <input name="name" autoComplete="name" className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-500/20" />
          </label>
        )}
        <label className="block text-sm font-medium">
          Email
          <input name="email" type="email" required autoComplete="email" defaultValue={state.email} className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-500/20" />
        </label>
        <label className="block text-sm font-medium">
          Password
          <input name="password" type="password" required minLength={signUp ? 8 : undefined} autoComplete={signUp ? "new-password" : "current-password"} className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-500/20" />
        </label>
        {state.error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{state.error}</p>
        )}
        <button disabled={pending} className="w-full rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {pending ? "Please wait…" : signUp ? "Create account" : "Sign in"}
        </button>
      </form>
      <p className="mt-6 text-center text-sm text-slate-600">
        {signUp ? (
          <>Already have an account? <Link href={`/sign-in${carry}`} className="font-medium text-brand-700 underline">Sign in</Link></>
        ) : (
          <>New here? <Link href={`/sign-up${carry}`} className="font-medium text-brand-700 underline">Create an account</Link></>
        )}
      </p>
    </div>
  );
}
