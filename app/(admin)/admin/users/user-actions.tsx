"use client";

import { useState, useTransition } from "react";
import { updateUserAction } from "../actions";

/** Promote or demote, disable or enable one account; the row re-renders from the server after. */
export function UserActions({ id, email, role, disabled, self }: { id: string; email: string; role: string; disabled: boolean; self: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  if (self) return <span className="text-xs text-slate-600">you</span>;
  const act = (change: "promote" | "demote" | "disable" | "enable") =>
    startTransition(async () => {
      const result = await updateUserAction(id, change);
      setError(result.ok ? null : result.error);
    });
  const button = "rounded-md border px-2.5 py-1 text-xs font-medium disabled:opacity-60";
  return (
    <div className="flex flex-wrap justify-end gap-2">
      {role === "admin" ? (
        <button type="button" disabled={pending} onClick={() => act("demote")} className={`${button} border-slate-300 hover:bg-slate-50`} aria-label={`Demote ${email} to user`}>Demote</button>
      ) : (
        <button type="button" disabled={pending} onClick={() => act("promote")} className={`${button} border-slate-300 hover:bg-slate-50`} aria-label={`Promote ${email} to admin`}>Promote</button>
      )}
      {disabled ? (
        <button type="button" disabled={pending} onClick={() => act("enable")} className={`${button} border-emerald-300 text-emerald-800 hover:bg-emerald-50`} aria-label={`Enable ${email}`}>Enable</button>
      ) : (
        <button type="button" disabled={pending} onClick={() => act("disable")} className={`${button} border-red-300 text-red-700 hover:bg-red-50`} aria-label={`Disable ${email}`}>Disable</button>
      )}
      {error && <span role="alert" className="w-full text-right text-xs text-red-700">{error}</span>}
    </div>
  );
}
