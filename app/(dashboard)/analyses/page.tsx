import Link from "next/link";
import { browserJobIds } from "@/app/browser-jobs";
import { StatusBadge } from "@/components/analysis/live-job";
import { DataTable } from "@/components/data-table";
import { MAX_BROWSER_JOBS } from "@/lib/auth/browser-jobs";
import { listAnalyses, listBrowserAnalyses, type AnalysisListItem } from "@/lib/analysis/list-analyses";
import { callerFor } from "@/lib/jobs";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { formatDateTime } from "@/lib/format";

export const metadata = { title: "Analyses · Framewise" };

/**
 * The account's analyses (everyone's for an admin) and, for anyone, the analyses this browser
 * started while signed out (its signed cookie, app/browser-jobs.ts). Signed out, that second
 * list is the only one; signed in, it stays below the account's list for as long as the browser
 * keeps the cookie, so nothing started before signing in is lost from sight.
 */
export default async function AnalysesPage() {
  const user = await currentUser();
  const database = await db();
  const [analyses, browserAnalyses] = await Promise.all([listAnalyses(database, callerFor(user)), listBrowserAnalyses(database, await browserJobIds())]);
  return (
    <div className="space-y-6">
      <div className="flex items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Analyses</h1>
          <p className="mt-1 text-sm text-slate-600">
            {user
              ? user.role === "admin"
                ? "Every analysis on this server."
                : "Your analyses."
              : "The analyses you started in this browser. Sign in to keep a list that follows you to other devices."}
          </p>
        </div>
        <Link href="/analyses/new" className="shrink-0 rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">New analysis</Link>
      </div>
      {user && <AnalysesTable testId="analyses-table" label="Your analyses" items={analyses} empty="No analyses yet." />}
      {(!user || browserAnalyses.length > 0) && (
        <section className="space-y-3" aria-labelledby="browser-analyses-heading">
          <div>
            <h2 id="browser-analyses-heading" className="text-lg font-semibold">This browser</h2>
            <p className="mt-1 text-sm text-slate-600">
              Started here while signed out (the latest {MAX_BROWSER_JOBS}). Only this browser can run them again or delete them;
              anyone you give a link to can view one.
            </p>
          </div>
          <AnalysesTable testId="browser-analyses-table" label="This browser's analyses" items={browserAnalyses} empty="No analyses started in this browser yet." />
        </section>
      )}
    </div>
  );
}

/** One analysis a row: its video (with the thumbnail of its best event) linking to it, label, status, progress, events, start. */
function AnalysesTable({ testId, label, items, empty }: { testId: string; label: string; items: AnalysisListItem[]; empty: string }) {
  return (
    <DataTable testId={testId} label={label} columns={["Video", "Label", "Status", "Progress", "Events", "Started"]} empty={items.length === 0 ? empty : null}>
      {items.map((item) => (
        <tr key={item.id} className="hover:bg-slate-50" data-testid="analysis-row">
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
  );
}
