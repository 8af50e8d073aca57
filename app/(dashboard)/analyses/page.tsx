import Link from "next/link";
import { StatusBadge } from "@/components/analysis/live-job";
import { DataTable } from "@/components/data-table";
import { listAnalyses } from "@/lib/analysis/list-analyses";
import { callerFor } from "@/lib/jobs";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { formatDateTime } from "@/lib/format";

export const metadata = { title: "Analyses · Framewise" };

export default async function AnalysesPage() {
  const user = await currentUser();
  const analyses = await listAnalyses(await db(), callerFor(user));
  return (
    <div className="space-y-6">
      <div className="flex items-end justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Analyses</h1>
          <p className="mt-1 text-sm text-slate-500">
            {user ? (user.role === "admin" ? "Every analysis on this server." : "Your analyses.") : "Sign in to keep a list of your analyses; anonymous ones are reachable through their links."}
          </p>
        </div>
        <Link href="/analyses/new" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">New analysis</Link>
      </div>
      <DataTable
        testId="analyses-table"
        label="Your analyses"
        columns={["Video", "Label", "Status", "Progress", "Events", "Started"]}
        empty={analyses.length === 0 ? "No analyses yet." : null}
      >
        {analyses.map((item) => (
          <tr key={item.id} className="hover:bg-slate-50">
            <td className="px-4 py-3 font-medium">
              <Link href={`/analyses/${item.id}`} className="flex items-center gap-3 hover:text-brand-600">
                {item.thumbnail ? (
                  // eslint-disable-next-line @next/next/no-img-element -- served by our media route with Range/ETag
                  <img src={`/api/jobs/${item.id}/media/${encodeURIComponent(item.thumbnail)}`} alt="" loading="lazy" className="h-12 w-20 shrink-0 rounded bg-slate-900 object-cover" data-testid="analysis-thumbnail" />
                ) : (
                  <span className="h-12 w-20 shrink-0 rounded bg-slate-100" aria-hidden />
                )}
                <span>{item.filename ?? item.id}</span>
              </Link>
            </td>
            <td className="px-4 py-3 text-slate-600">{item.tripId ?? "—"}</td>
            <td className="px-4 py-3"><StatusBadge status={item.status} /></td>
            <td className="px-4 py-3 text-slate-600">{item.total ? `${Math.round((item.processed / item.total) * 100)}%` : "—"}</td>
            <td className="px-4 py-3 text-slate-600">{item.events}</td>
            <td className="px-4 py-3 text-slate-500">{formatDateTime(item.createdAt)}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
