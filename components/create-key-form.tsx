"use client";

import { useActionState, useState } from "react";
import { createKeyAction, type FormState } from "@/app/actions";

/**
 * Makes a key and shows it once, with a request to try it. The shown key goes away as soon as
 * it is no longer live (revoked or deleted on this page): `liveKeyIds` comes from the server's
 * list, re-read after every change.
 */
export function CreateKeyForm({ liveKeyIds, baseUrl }: { liveKeyIds: string[]; baseUrl: string }) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(createKeyAction, {});
  const [copied, setCopied] = useState(false);
  const shown = state.key && state.keyId && liveKeyIds.includes(state.keyId) ? state.key : null;
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
      <form action={formAction} className="flex flex-wrap items-end gap-3">
        <label className="min-w-0 flex-1 text-sm font-medium">
          Key name
          <input name="name" placeholder="e.g. ingest pipeline" maxLength={80} className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-500/20" />
        </label>
        <button disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
          {pending ? "Creating…" : "Create key"}
        </button>
      </form>
      {shown && (
        <div className="mt-5 rounded-lg border border-amber-300 bg-amber-50 p-4" data-testid="new-key">
          <p className="text-sm font-medium text-amber-900">
            Your new key “{state.keyName}”. Copy it now: it is shown only this once.
          </p>
          <div className="mt-2 flex flex-wrap items-center gap-2">
            <code className="min-w-0 flex-1 break-all select-all rounded bg-white px-3 py-2 font-mono text-sm" data-testid="new-key-value">{shown}</code>
            <button
              type="button"
              onClick={() => navigator.clipboard?.writeText(shown).then(() => setCopied(true))}
              className="rounded-md border border-amber-400 px-3 py-2 text-sm hover:bg-amber-100"
            >
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
          <p className="mt-3 text-sm text-amber-900">Try it:</p>
          <CurlExample apiKey={shown} baseUrl={baseUrl} testId="new-key-curl" />
        </div>
      )}
    </div>
  );
}

/**
 * A request anyone can paste into a shell: the caller's videos, with the key in X-API-Key, and
 * a Copy button (selecting a long line on a phone is fiddly).
 */
export function CurlExample({ apiKey, baseUrl, testId }: { apiKey: string; baseUrl: string; testId?: string }) {
  const command = `curl -H "X-API-Key: ${apiKey}" ${baseUrl}/videos`;
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  return (
    <div className="mt-2 flex items-start gap-2">
      <pre tabIndex={0} aria-label="Example request" className="relative min-w-0 flex-1 overflow-x-auto rounded-md bg-slate-900 px-3 py-2 text-xs text-slate-100" data-testid={testId}>
        <code>{command}</code>
      </pre>
      <button
        type="button"
        onClick={() => {
          // No clipboard outside a secure context (plain http on a LAN address): say so.
          if (!navigator.clipboard) return setCopied("no");
          navigator.clipboard.writeText(command).then(
            () => setCopied("yes"),
            () => setCopied("no"),
          );
        }}
        aria-label="Copy the example request"
        className="shrink-0 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-xs font-medium hover:bg-slate-50"
        data-testid="copy-curl"
      >
        {copied === "yes" ? "Copied" : copied === "no" ? "Select and copy" : "Copy"}
      </button>
    </div>
  );
}
