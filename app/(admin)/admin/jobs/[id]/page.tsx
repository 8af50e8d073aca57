import Link from "next/link";
import { notFound } from "next/navigation";
import { JobControls } from "@/components/analysis/job-controls";
import { userEmailOf } from "@/lib/admin/users";
import { db } from "@/lib/db/client";
import { isAppError } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { callerFor, getJobOrThrow, listJobLogs } from "@/lib/jobs";
import { jobPageOf, StatusBadge } from "../../job-links";
import { requireAdmin } from "../../require-admin";

export const metadata = { title: "Job · Admin · Framewise" };

/** One job of any kind for an admin: its log, payload and result, and cancel, run again, delete. */
export default async function AdminJobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const admin = await requireAdmin(`/admin/jobs/${encodeURIComponent(id)}`);
  const database = await db();
  const job = await getJobOrThrow(database, callerFor(admin), id).catch((error: unknown) => {
    if (isAppError(error) && error.kind === "not_found") notFound();
    throw error;
  });
  const [logs, owner] = await Promise.all([listJobLogs(database, job.id), userEmailOf(database, job.ownerId)]);
  const page = jobPageOf(job);
  return (
    <div className="space-y-6" data-testid="admin-job-page">
      <div>
        <p className="text-sm text-slate-600"><Link href="/admin" className="hover:underline">Jobs</Link> / {job.kind}</p>
        <h1 className="mt-1 break-all font-mono text-lg font-semibold" data-testid="admin-job-id">{job.id}</h1>
        <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-2 lg:grid-cols-4">
          <div><dt className="inline text-slate-600">Status </dt><dd className="inline"><StatusBadge status={job.status} /></dd></div>
          <div><dt className="inline text-slate-600">Owner </dt><dd className="inline">{owner ?? "anonymous"}</dd></div>
          <div><dt className="inline text-slate-600">Created </dt><dd className="inline">{formatDateTime(job.createdAt)}</dd></div>
          <div><dt className="inline text-slate-600">Phase </dt><dd className="inline">{job.currentStep ?? job.phase ?? "—"}</dd></div>
        </dl>
        {page && <p className="mt-2 text-sm"><Link href={page.href} className="font-medium text-brand-700 hover:underline">Open its {page.label.toLowerCase()} →</Link></p>}
        {job.errorMessage && <p className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="admin-job-error">{job.errorMessage}</p>}
      </div>
      <JobControls job={job} mayChange jobHref="/admin/jobs/{id}" afterDelete="/admin" />
      <section className="rounded-xl border border-slate-200 bg-white shadow-sm" aria-labelledby="log-heading">
        <h2 id="log-heading" className="border-b border-slate-100 px-4 py-3 font-medium">Log</h2>
        <ol className="max-h-96 overflow-y-auto px-4 py-3 font-mono text-xs" data-testid="admin-job-log">
          {logs.length === 0 && <li className="text-slate-600">No log lines.</li>}
          {logs.map((line) => (
            <li key={line.id} className={line.level === "error" ? "text-red-700" : line.level === "warn" ? "text-amber-800" : "text-slate-700"}>
              <span className="text-slate-600">{line.at.toISOString().slice(11, 19)}</span> {line.message}
            </li>
          ))}
        </ol>
      </section>
      <div className="grid gap-6 lg:grid-cols-2">
        <JsonSection title="Payload" value={job.payload} testId="admin-job-payload" />
        <JsonSection title="Result" value={job.resultPayload} testId="admin-job-result" />
      </div>
    </div>
  );
}

function JsonSection({ title, value, testId }: { title: string; value: unknown; testId: string }) {
  return (
    <section className="min-w-0 rounded-xl border border-slate-200 bg-white shadow-sm">
      <h2 className="border-b border-slate-100 px-4 py-3 font-medium">{title}</h2>
      <pre className="max-h-96 overflow-auto px-4 py-3 text-xs" data-testid={testId}>{value == null ? "none yet" : JSON.stringify(value, null, 2)}</pre>
    </section>
  );
}
