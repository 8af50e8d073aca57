"use client";

import { useState, useTransition } from "react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { deleteKey, revokeKey, type KeyActionResult } from "./actions";

/**
 * A key's row actions: Revoke asks first (the key stops working at once, for every client that
 * uses it); a revoked key can then be deleted from the list.
 */
export function KeyActions({ id, name, revoked }: { id: string; name: string; revoked: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const act = (action: () => Promise<KeyActionResult>, done?: () => void) =>
    startTransition(async () => {
      const result = await action();
      if (result.ok) done?.();
      else setError(result.error);
    });
  return (
    <div className="flex flex-col items-end gap-1">
      {revoked ? (
        <button type="button" disabled={pending} onClick={() => act(() => deleteKey(id))} className="rounded-md border border-slate-300 px-3 py-1 text-slate-700 hover:bg-slate-50 disabled:opacity-60" aria-label={`Delete key ${name}`}>
          Delete
        </button>
      ) : (
        <button type="button" onClick={() => setConfirming(true)} className="rounded-md border border-red-200 px-3 py-1 text-red-700 hover:bg-red-50" aria-label={`Revoke key ${name}`}>
          Revoke
        </button>
      )}
      {error && <span role="alert" className="text-xs text-red-700">{error}</span>}
      <ConfirmDialog
        open={confirming}
        title={`Revoke “${name}”?`}
        confirmLabel="Revoke key"
        busy={pending}
        onClose={() => setConfirming(false)}
        onConfirm={() => act(() => revokeKey(id), () => setConfirming(false))}
      >
        Requests with this key are refused from now on (401). This cannot be undone: make a new key for clients that still need one.
      </ConfirmDialog>
    </div>
  );
}
