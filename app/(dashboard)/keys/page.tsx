import Link from "next/link";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { signInHref } from "@/lib/auth/return-to";
import { CreateKeyForm, CurlExample } from "@/components/create-key-form";
import { DataTable } from "@/components/data-table";
import { listApiKeys } from "@/lib/auth/api-keys";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { formatDateTime } from "@/lib/format";
import { baseUrlOf } from "@/lib/http/base-url";
import { readRateLimits } from "@/lib/http/rate-limit";
import { KeyActions } from "./key-actions";

export const metadata = { title: "API keys · Framewise" };

export default async function KeysPage({ searchParams }: { searchParams: Promise<{ password?: string | string[] }> }) {
  const { password } = await searchParams;
  const user = await currentUser();
  if (!user) redirect(signInHref("/keys"));
  const database = await db();
  const keys = await listApiKeys(database, user.id);
  const live = keys.filter((key) => !key.revokedAt);
  // Each key has its own hourly window (lib/http/rate-limit.ts; subject = the key's id).
  const quotas = await readRateLimits(database, live.map((key) => key.id));
  const incoming = await headers();
  const baseUrl = baseUrlOf(new Request(`http://${incoming.get("host") ?? "localhost"}/keys`, { headers: incoming }));
  const anyQuota = quotas.values().next().value;
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
        <p className="mt-1 text-sm text-slate-600">
          Send a key as <code className="rounded bg-slate-100 px-1">X-API-Key</code> or{" "}
          <code className="rounded bg-slate-100 px-1">Authorization: Bearer</code>. Keys are stored only as a hash.
        </p>
        <p className="mt-2 text-sm">
          <Link href="/account/password" className="font-medium text-brand-700 underline">Change password</Link>
        </p>
        {password === "changed" && (
          <p role="status" className="mt-2 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800" data-testid="password-changed">
            Password changed. Every other session of this account has ended.
          </p>
        )}
      </div>
      <CreateKeyForm liveKeyIds={live.map((key) => key.id)} baseUrl={baseUrl} />
      <section className="rounded-xl border border-slate-200 bg-white p-4 text-sm shadow-sm sm:p-6" aria-labelledby="quota-heading">
        <h2 id="quota-heading" className="font-medium">Quota</h2>
        <p className="mt-1 text-slate-600">
          Each key may make {anyQuota?.limit ?? "a limited number of"} requests an hour; answers carry <code className="rounded bg-slate-100 px-1">X-RateLimit-Remaining</code> and{" "}
          <code className="rounded bg-slate-100 px-1">X-RateLimit-Reset</code>, and past the limit a 429 with <code className="rounded bg-slate-100 px-1">Retry-After</code>.
        </p>
        <CurlExample apiKey="vr_…" baseUrl={baseUrl} />
      </section>
      <DataTable
        testId="keys-table"
        label="API keys"
        minWidth="min-w-[40rem]"
        columns={["Name", "Key", "Created", "Last used", "Status", "This hour", <span className="sr-only">Actions</span>]}
        empty={keys.length === 0 ? "No keys yet." : null}
      >
        {keys.map((key) => {
          const quota = quotas.get(key.id);
          return (
            <tr key={key.id} data-testid="key-row">
              <td className="px-4 py-3 font-medium">{key.name}</td>
              <td className="px-4 py-3 font-mono text-slate-600">{key.displayPrefix}…</td>
              <td className="px-4 py-3 text-slate-600">{formatDateTime(key.createdAt)}</td>
              <td className="px-4 py-3 text-slate-600">{formatDateTime(key.lastUsedAt)}</td>
              <td className="px-4 py-3">
                {key.revokedAt ? (
                  <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">revoked</span>
                ) : (
                  <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs text-emerald-800">active</span>
                )}
              </td>
              <td className="px-4 py-3 text-slate-600" data-testid="key-quota">
                {quota ? (
                  <>
                    <span className="font-medium text-slate-900">{quota.remaining}</span> of {quota.limit} left · resets {formatDateTime(new Date(quota.reset * 1000))}
                  </>
                ) : (
                  "—"
                )}
              </td>
              <td className="px-4 py-3 text-right">
                <KeyActions id={key.id} name={key.name} revoked={Boolean(key.revokedAt)} />
              </td>
            </tr>
          );
        })}
      </DataTable>
    </div>
  );
}
