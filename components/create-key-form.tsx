"use client";

import { useActionState, useState } from "react";
import { createKeyAction, type FormState } from "@/app/actions";

export function CreateKeyForm() {
  const [state, formAction, pending] = useActionState<FormState, FormData>(createKeyAction, {});
  const [copied, setCopied] = useState(false);
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
      <form action={formAction} className="flex flex-wrap items-end gap-3">
        <label className="flex-1 text-sm font-medium">
          Key name
          <input name="name" placeholder="e.g. ingest pipeline" maxLength={80} className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-500/20" />
        </label>
        <button disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {pending ? "Creating…" : "Create key"}
        </button>
      </form>
      {state.key && (
        <div className="mt-5 rounded-lg border border-amber-300 bg-amber-50 p-4" data-testid="new-key">
          <p className="text-sm font-medium text-amber-900">
            Your new key “{state.keyName}”. Copy it now: it is shown only this once.
          </p>
          <div className="mt-2 flex items-center gap-2">
            <code className="flex-1 select-all rounded bg-white px-3 py-2 font-mono text-sm" data-testid="new-key-value">{state.key}</code>
            <button
              type="button"
              onClick={() => navigator.clipboard?.writeText(state.key!).then(() => setCopied(true))}
              className="rounded-md border border-amber-400 px-3 py-2 text-sm hover:bg-amber-100"
            >
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
