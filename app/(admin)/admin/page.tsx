import { forbidden, redirect } from "next/navigation";
import { signInHref } from "@/lib/auth/return-to";
import { adminOverview } from "@/lib/admin/overview";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { formatDateTime } from "@/lib/format";

export const metadata = { title: "Admin · Framewise" };

export default async function AdminPage() {
  const user = await currentUser();
  if (!user) redirect(signInHref("/admin"));
  if (user.role !== "admin") forbidden();
  const { accounts, recentJobs, keyCount } = await adminOverview(await db());
  return (
    <div className="space-y-8" data-testid="admin-page">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Administration</h1>
        <p className="mt-1 text-sm text-slate-500">{accounts.length} accounts · {keyCount} API keys · {recentJobs.length} recent jobs</p>
      </div>
      <section className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        <h2 className="border-b border-slate-100 px-4 py-3 font-medium">Accounts</h2>
        <table className="w-full text-left text-sm">
          <tbody className="divide-y divide-slate-100">
            {accounts.map((account) => (
              <tr key={account.id}>
                <td className="px-4 py-2.5">{account.email}</td>
                <td className="px-4 py-2.5"><span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs">{account.role}</span></td>
                <td className="px-4 py-2.5 text-slate-500">{formatDateTime(account.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm">
        <h2 className="border-b border-slate-100 px-4 py-3 font-medium">Recent jobs</h2>
        {recentJobs.length === 0 ? (
          <p className="px-4 py-6 text-sm text-slate-500">No jobs yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <tbody className="divide-y divide-slate-100">
              {recentJobs.map((job) => (
                <tr key={job.id}>
                  <td className="px-4 py-2.5 font-mono text-xs">{job.id}</td>
                  <td className="px-4 py-2.5">{job.kind}</td>
                  <td className="px-4 py-2.5">{job.status}</td>
                  <td className="px-4 py-2.5 text-slate-500">{job.processed}/{job.total}</td>
                  <td className="px-4 py-2.5 text-slate-500">{formatDateTime(job.createdAt)}</td>
                  <td className="px-4 py-2.5 text-red-700">{job.errorMessage}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
