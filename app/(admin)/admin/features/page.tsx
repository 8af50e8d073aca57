import Link from "next/link";
import { db } from "@/lib/db/client";
import { listFeatureJobs } from "@/lib/features/list-feature-jobs";
import { formatDateTime } from "@/lib/format";
import { requireAdmin } from "../require-admin";

export const metadata = { title: "Feature review · Framewise" };

/** The feature-extraction jobs, each opening its review (issue 13 §7). */
export default async function FeatureJobsPage() {
  await requireAdmin("/admin/features");
  const featureJobs = await listFeatureJobs(await db());
  return (
    <div className="space-y-6" data-testid="feature-jobs">
      <h1 className="text-2xl font-semibold tracking-tight">Feature extraction jobs</h1>
      <section className="relative overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
        {featureJobs.length === 0 ? (
          <p className="px-4 py-6 text-sm text-slate-500">No feature-extraction jobs yet.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <tbody className="divide-y divide-slate-100">
              {featureJobs.map((job) => (
                <tr key={job.id}>
                  <td className="px-4 py-2.5"><Link className="font-mono text-xs text-blue-700 underline" href={`/admin/features/${job.id}`}>{job.id}</Link></td>
                  <td className="px-4 py-2.5">{job.status}</td>
                  <td className="px-4 py-2.5 text-slate-500">{job.phase}</td>
                  <td className="px-4 py-2.5 text-slate-500">{job.owner ?? "anonymous"}</td>
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
