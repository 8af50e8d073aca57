/** Where a job has its own page outside the admin console, if its kind has one. */
export function jobPageOf(job: { id: string; kind: string }): { href: string; label: string } | null {
  if (job.kind === "analyze") return { href: `/analyses/${job.id}`, label: "Analysis page" };
  if (job.kind === "reframe") return { href: `/reframes/${job.id}`, label: "Reframer page" };
  return null;
}

const tones: Record<string, string> = {
  completed: "bg-emerald-50 text-emerald-800",
  failed: "bg-red-50 text-red-800",
  cancelled: "bg-slate-100 text-slate-700",
  in_progress: "bg-blue-50 text-blue-800",
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${tones[status] ?? "bg-amber-50 text-amber-900"}`}>{status.replace("_", " ")}</span>;
}
