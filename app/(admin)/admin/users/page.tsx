import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { listAdminUsers } from "@/lib/admin/users";
import { db } from "@/lib/db/client";
import { formatDateTime } from "@/lib/format";
import { requireAdmin } from "../require-admin";
import { UserActions } from "./user-actions";

export const metadata = { title: "Users · Admin · Framewise" };

/** Every account: role, state, jobs and live keys; promote, demote, disable, enable. */
export default async function AdminUsersPage() {
  const admin = await requireAdmin("/admin/users");
  const accounts = await listAdminUsers(await db());
  return (
    <div className="space-y-6" data-testid="admin-users-page">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
        <p className="mt-1 text-sm text-slate-600">A disabled account cannot sign in, its open sessions end, and its API keys are refused (403).</p>
      </div>
      <DataTable
        testId="admin-users"
        label="Users"
        minWidth="min-w-[44rem]"
        columns={["Email", "Role", "State", "Jobs", "Live keys", "Joined", <span className="sr-only">Actions</span>]}
        empty={null}
      >
        {accounts.map((account) => (
          <tr key={account.id} data-testid="admin-user-row" data-email={account.email}>
            <td className="px-4 py-2.5 font-medium">{account.email}</td>
            <td className="px-4 py-2.5" data-testid="admin-user-role">{account.role}</td>
            <td className="px-4 py-2.5" data-testid="admin-user-state">
              {account.disabledAt ? <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs text-red-800">disabled</span> : <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs text-emerald-800">active</span>}
            </td>
            <td className="px-4 py-2.5">
              {account.jobs ? <Link href={`/admin?owner=${encodeURIComponent(account.email)}`} className="text-brand-700 hover:underline">{account.jobs}</Link> : 0}
            </td>
            <td className="px-4 py-2.5">{account.liveKeys}</td>
            <td className="px-4 py-2.5 text-slate-600">{formatDateTime(account.createdAt)}</td>
            <td className="px-4 py-2.5 text-right">
              <UserActions id={account.id} email={account.email} role={account.role} disabled={Boolean(account.disabledAt)} self={account.id === admin.id} />
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
