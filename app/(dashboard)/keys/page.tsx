import { redirect } from "next/navigation";
import { signInHref } from "@/lib/auth/return-to";
import { CreateKeyForm } from "@/components/create-key-form";
import { revokeKeyAction } from "@/app/actions";
import { listApiKeys } from "@/lib/auth/api-keys";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { formatDateTime } from "@/lib/format";

export const metadata = { title: "API keys · Framewise" };

export default async function KeysPage() {
  const user = await currentUser();
  if (!user) redirect(signInHref("/keys"));
  const keys = await listApiKeys(await db(), user.id);
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
        <p className="mt-1 text-sm text-slate-500">
          Send a key as <code className="rounded bg-slate-100 px-1 text-slate-700">X-API-Key</code> or{" "}
          <code className="rounded bg-slate-100 px-1 text-slate-700">Authorization: Bearer</code>. Keys are stored only as a hash.
        </p>
      </div>
      <CreateKeyForm />
      <div className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        <table className="w-full text-left text-sm" data-testid="keys-table">
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th className="px-4 py-3">Name</th>
              <th className="px-4 py-3">Key</th>
              <th className="px-4 py-3">Created</th>
              <th className="px-4 py-3">Last used</th>
              <th className="px-4 py-3">Status</th>
              <th className="px-4 py-3" />
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {keys.length === 0 && (
              <tr>
                <td colSpan={6} className="px-4 py-8 text-center text-slate-500">No keys yet.</td>
              </tr>
            )}
            {keys.map((key) => (
              <tr key={key.id} data-testid="key-row">
                <td className="px-4 py-3 font-medium">{key.name}</td>
                <td className="px-4 py-3 font-mono text-slate-600">{key.displayPrefix}…</td>
                <td className="px-4 py-3 text-slate-600">{formatDateTime(key.createdAt)}</td>
                <td className="px-4 py-3 text-slate-600">{formatDateTime(key.lastUsedAt)}</td>
                <td className="px-4 py-3">
                  {key.revokedAt ? (
                    <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-600">revoked</span>
                  ) : (
                    <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs text-emerald-700">active</span>
                  )}
                </td>
                <td className="px-4 py-3 text-right">
                  {!key.revokedAt && (
                    <form action={revokeKeyAction}>
                      <input type="hidden" name="id" value={key.id} />
                      <button className="rounded-md border border-red-200 px-3 py-1 text-red-700 hover:bg-red-50">Revoke</button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
