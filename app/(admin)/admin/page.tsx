import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { ADMIN_JOBS_PAGE_SIZE, listAdminJobs, parseAdminJobQuery, type AdminJobQuery } from "@/lib/admin/list-admin-jobs";
import { db } from "@/lib/db/client";
import { jobStatuses } from "@/lib/db/schema";
import { jobKinds } from "@/lib/job-kinds";
import { formatDateTime } from "@/lib/format";
import { requireAdmin } from "./require-admin";
import { jobPageOf, StatusBadge } from "./job-links";

export const metadata = { title: "Admin · Framewise" };

const field = "mt-1 w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/** The admin console's jobs: every kind and owner, filtered, sorted and paged by the server (the URL holds the query). */
export default async function AdminJobsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireAdmin();
  const query = parseAdminJobQuery(await searchParams);
  const { rows, total, page, pages } = await listAdminJobs(await db(), query);
  const href = (change: Partial<AdminJobQuery>) => `/admin?${toSearch({ ...query, ...change })}`;
  const sortLink = (sort: AdminJobQuery["sort"], label: string) => {
    const active = query.sort === sort;
    const dir = active && query.dir === "desc" ? "asc" : "desc";
    return (
      <Link href={href({ sort, dir, page: 1 })} className="inline-flex items-center gap-1 hover:underline" aria-label={`Sort by ${label}${active ? (query.dir === "desc" ? ", now newest or largest first" : ", now oldest or smallest first") : ""}`}>
        {label}
        {active && <span aria-hidden>{query.dir === "desc" ? "↓" : "↑"}</span>}
      </Link>
    );
  };
  const first = total === 0 ? 0 : (page - 1) * ADMIN_JOBS_PAGE_SIZE + 1;
  return (
    <div className="space-y-6" data-testid="admin-page">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Jobs</h1>
        <p className="mt-1 text-sm text-slate-600" data-testid="admin-jobs-count">
          {total} {total === 1 ? "job" : "jobs"} · showing {first}-{Math.min(total, page * ADMIN_JOBS_PAGE_SIZE)} · page {page} of {pages}
        </p>
      </div>
      <form method="get" action="/admin" className="grid gap-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-4" aria-label="Filter jobs">
        <Field id="filter-kind" label="Kind">
          <select id="filter-kind" name="kind" defaultValue={query.kind ?? ""} className={field}>
            <option value="">Any</option>
            {jobKinds.map((kind) => <option key={kind} value={kind}>{kind}</option>)}
          </select>
        </Field>
        <Field id="filter-status" label="Status">
          <select id="filter-status" name="status" defaultValue={query.status ?? ""} className={field}>
            <option value="">Any</option>
            {jobStatuses.map((status) => <option key={status} value={status}>{status}</option>)}
          </select>
        </Field>
        <Field id="filter-owner" label="Owner">
          <input id="filter-owner" name="owner" defaultValue={query.owner ?? ""} placeholder="email or anonymous" className={field} />
        </Field>
        <Field id="filter-from" label="From">
          <input id="filter-from" type="date" name="from" defaultValue={query.from ?? ""} className={field} />
        </Field>
        <Field id="filter-to" label="To">
          <input id="filter-to" type="date" name="to" defaultValue={query.to ?? ""} className={field} />
        </Field>
        <Field id="filter-sort" label="Sort by">
          <select id="filter-sort" name="sort" defaultValue={query.sort} className={field}>
            <option value="created">Created</option>
            <option value="kind">Kind</option>
            <option value="status">Status</option>
            <option value="owner">Owner</option>
            <option value="duration">Duration</option>
          </select>
        </Field>
        <div className="flex items-end gap-2">
          <Field id="filter-dir" label="Order">
            <select id="filter-dir" name="dir" defaultValue={query.dir} className={field}>
              <option value="desc">Descending</option>
              <option value="asc">Ascending</option>
            </select>
          </Field>
          <button className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700">Apply</button>
        </div>
      </form>
      <DataTable
        testId="admin-jobs"
        label="Jobs"
        minWidth="min-w-[48rem]"
        columns={["Job", sortLink("kind", "Kind"), sortLink("status", "Status"), sortLink("owner", "Owner"), "Progress", sortLink("created", "Created"), sortLink("duration", "Duration"), <span className="sr-only">Pages</span>]}
        empty={rows.length === 0 ? "No jobs match." : null}
      >
        {rows.map((job) => {
          const page = jobPageOf(job);
          return (
            <tr key={job.id} data-testid="admin-job-row" data-kind={job.kind} data-status={job.status}>
              <td className="px-4 py-2.5">
                <Link href={`/admin/jobs/${job.id}`} className="font-mono text-xs text-brand-700 hover:underline" aria-label={`Job ${job.id}`}>{job.id.slice(0, 8)}</Link>
              </td>
              <td className="px-4 py-2.5">{job.kind}</td>
              <td className="px-4 py-2.5"><StatusBadge status={job.status} /></td>
              <td className="px-4 py-2.5 text-slate-700" data-testid="admin-job-owner">{job.ownerEmail ?? <span className="text-slate-600">anonymous</span>}</td>
              <td className="px-4 py-2.5 text-slate-600">{job.total ? `${Math.round((job.processed / job.total) * 100)}%` : "—"}</td>
              <td className="px-4 py-2.5 text-slate-600" data-testid="admin-job-created">{formatDateTime(job.createdAt)}</td>
              <td className="px-4 py-2.5 text-slate-600">{formatSeconds(job)}</td>
              <td className="px-4 py-2.5 text-right">{page && <Link href={page.href} className="text-brand-700 hover:underline">{page.label}</Link>}</td>
            </tr>
          );
        })}
      </DataTable>
      <nav aria-label="Pages of jobs" className="flex items-center justify-between text-sm">
        {page > 1 ? <Link href={href({ page: page - 1 })} className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50">← Previous</Link> : <span />}
        <span className="text-slate-600">Page {page} of {pages}</span>
        {page < pages ? <Link href={href({ page: page + 1 })} className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50">Next →</Link> : <span />}
      </nav>
    </div>
  );
}

/** A label above its control, tied by id (a label wrapping a select would take the options into its name). */
function Field({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0 flex-1 text-sm">
      <label htmlFor={id} className="font-medium">{label}</label>
      {children}
    </div>
  );
}

function toSearch(query: AdminJobQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== "") params.set(key, String(value));
  return params.toString();
}

function formatSeconds(job: { createdAt: Date; startedAt: Date | null; completedAt: Date | null }): string {
  if (!job.startedAt) return "—";
  const seconds = Math.round(((job.completedAt ?? new Date()).getTime() - job.startedAt.getTime()) / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
