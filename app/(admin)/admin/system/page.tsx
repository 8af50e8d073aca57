import Link from "next/link";
import { listAdminJobs, parseAdminJobQuery } from "@/lib/admin/list-admin-jobs";
import { jobQueue, storageUsage } from "@/lib/admin/system";
import { db } from "@/lib/db/client";
import { formatBytes, formatDateTime } from "@/lib/format";
import { diagnostics } from "@/lib/health/checks";
import { StatusBadge } from "../job-links";
import { requireAdmin } from "../require-admin";

export const metadata = { title: "System · Admin · Framewise" };
export const dynamic = "force-dynamic";

type WorkerReport = {
  url: string;
  ok: boolean;
  state?: "up" | "down";
  provider?: string | null;
  in_flight?: number;
  last_error?: string | null;
  last_error_at?: string | null;
  error?: string;
  details?: { status?: string; onnxruntime?: string; models?: { id: string; provider: string; source?: string }[] };
};

/**
 * The server's parts for an admin: each inference worker and the provider each of its models
 * runs on (its /healthz, as /health/diagnostics reports it), the job engine and its queue, what
 * DATA_DIR holds, and the pages of the other consoles.
 */
export default async function AdminSystemPage() {
  await requireAdmin("/admin/system");
  const database = await db();
  const [report, queue, storage, reframes] = await Promise.all([diagnostics(), jobQueue(database), storageUsage(), listAdminJobs(database, parseAdminJobQuery({ kind: "reframe" }))]);
  const workers = ((report.workers as { workers?: WorkerReport[] } | undefined)?.workers ?? []) as WorkerReport[];
  const engine = report.orchestration as { mode?: string; accepting?: boolean; queued?: number; running?: number; runs_queue?: boolean } | undefined;
  const liveUpdates = report.live_updates as { kind?: string; connected?: boolean; lastError?: string } | undefined;
  return (
    <div className="space-y-6" data-testid="admin-system-page">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">System</h1>
        <p className="mt-1 text-sm text-slate-600">Overall: <span className="font-medium" data-testid="system-status">{report.status}</span> · database {report.database.connected ? "connected" : "down"} ({String(report.database.driver ?? "")})</p>
      </div>

      <section className="rounded-xl border border-slate-200 bg-white shadow-sm" aria-labelledby="workers-heading">
        <h2 id="workers-heading" className="border-b border-slate-100 px-4 py-3 font-medium">Inference workers</h2>
        {workers.length === 0 && <p className="px-4 py-4 text-sm text-slate-600">No worker is running.</p>}
        {workers.map((worker) => (
          <div key={worker.url} className="border-b border-slate-100 px-4 py-3 last:border-0" data-testid="system-worker">
            <p className="text-sm">
              <span className="break-all font-mono text-xs">{worker.url}</span> · <span className={worker.ok ? "text-emerald-800" : "text-red-700"}>{worker.ok ? worker.details?.status ?? "ok" : `down: ${worker.error ?? "no answer"}`}</span>
              {worker.details?.onnxruntime && <span className="text-slate-600"> · onnxruntime {worker.details.onnxruntime}</span>}
              {worker.provider && <span className="text-slate-600" data-testid="system-worker-provider"> · {worker.provider}</span>}
              <span className="text-slate-600" data-testid="system-worker-in-flight"> · {worker.in_flight ?? 0} in flight from this replica</span>
            </p>
            {worker.last_error && (
              <p className="mt-1 text-xs text-red-700" data-testid="system-worker-last-error">
                Last error{worker.last_error_at ? ` (${formatDateTime(new Date(worker.last_error_at))})` : ""}: {worker.last_error}
              </p>
            )}
            {worker.details?.models && (
              <div className="relative mt-2 overflow-x-auto">
                <table className="w-full min-w-[24rem] text-left text-sm">
                  <thead className="text-xs uppercase tracking-wide text-slate-600">
                    <tr><th className="py-1 pr-4">Model</th><th className="py-1 pr-4">Provider</th><th className="py-1">Source</th></tr>
                  </thead>
                  <tbody>
                    {worker.details.models.map((model) => (
                      <tr key={model.id} data-testid="system-model">
                        <td className="py-1 pr-4 font-medium">{model.id}</td>
                        <td className="py-1 pr-4" data-testid="system-model-provider">{model.provider}</td>
                        <td className="py-1 text-slate-600">{model.source ?? "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        ))}
      </section>

      <div className="grid gap-6 lg:grid-cols-2">
        <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby="engine-heading">
          <h2 id="engine-heading" className="font-medium">Job engine</h2>
          <p className="mt-1 text-sm text-slate-600" data-testid="system-engine">
            {engine ? `${engine.mode} engine · ${engine.accepting ? "accepting work" : "not accepting work"} · ${engine.queued ?? 0} queued · ${engine.running ?? 0} running` : "not reported"}
            {engine?.runs_queue !== undefined && ` · ${engine.runs_queue ? "this replica runs the queue" : "another replica runs the queue"}`}
          </p>
          {liveUpdates && (
            <p className="mt-1 text-sm text-slate-600" data-testid="system-live-updates">
              Live updates: {liveUpdates.kind} · {liveUpdates.connected ? "connected" : `disconnected${liveUpdates.lastError ? `: ${liveUpdates.lastError}` : ""}`}
            </p>
          )}
          <table className="mt-3 w-full text-left text-sm" data-testid="system-queue">
            <thead className="text-xs uppercase tracking-wide text-slate-600">
              <tr><th className="py-1 pr-4">Kind</th><th className="py-1 pr-4">Status</th><th className="py-1">Jobs</th></tr>
            </thead>
            <tbody>
              {queue.length === 0 && <tr><td colSpan={3} className="py-2 text-slate-600">Nothing waiting or running.</td></tr>}
              {queue.map((row) => (
                <tr key={`${row.kind}-${row.status}`}>
                  <td className="py-1 pr-4"><Link href={`/admin?kind=${row.kind}&status=${row.status}`} className="text-brand-700 hover:underline">{row.kind}</Link></td>
                  <td className="py-1 pr-4"><StatusBadge status={row.status} /></td>
                  <td className="py-1">{row.jobs}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby="storage-heading">
          <h2 id="storage-heading" className="font-medium">Storage (DATA_DIR)</h2>
          <p className="mt-1 text-sm text-slate-600" data-testid="system-storage">{formatBytes(storage.bytes)} in {storage.files} files</p>
          <table className="mt-3 w-full text-left text-sm">
            <tbody>
              {storage.folders.map((folder) => (
                <tr key={folder.name}>
                  <td className="py-1 pr-4 font-mono text-xs">{folder.name}</td>
                  <td className="py-1 pr-4">{formatBytes(folder.bytes)}</td>
                  <td className="py-1 text-slate-600">{folder.files} files</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>

      <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm" aria-labelledby="pages-heading">
        <h2 id="pages-heading" className="font-medium">Other consoles</h2>
        <ul className="mt-2 space-y-1 text-sm">
          <li><Link href="/admin/features" className="text-brand-700 hover:underline">Feature review</Link></li>
          <li><Link href="/admin?kind=reframe" className="text-brand-700 hover:underline">Every reframe job</Link> ({reframes.total}); the latest:</li>
          {reframes.rows.slice(0, 5).map((job) => (
            <li key={job.id} className="pl-4">
              <Link href={`/reframes/${job.id}`} className="font-mono text-xs text-brand-700 hover:underline">{job.id.slice(0, 8)}</Link> <StatusBadge status={job.status} /> <span className="text-slate-600">{formatDateTime(job.createdAt)}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
