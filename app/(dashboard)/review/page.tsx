import Link from "next/link";
import { redirect } from "next/navigation";
import { ReviewQueue, type QueueEvent } from "@/components/analysis/review-queue";
import { listReviewLabels, listReviewQueue, reviewQueueFilters, type ReviewQueueFilter } from "@/lib/analysis/list-review-queue";
import { eventName } from "@/lib/analysis/viewer/event-names";
import { signInHref } from "@/lib/auth/return-to";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { formatDateTime } from "@/lib/format";
import { callerFor } from "@/lib/jobs";

export const metadata = { title: "Review · Framewise" };

const PAGE_SIZE = 50;

const filterNames: Record<ReviewQueueFilter, string> = { all: "All", unreviewed: "Unreviewed", confirmed: "Confirmed", rejected: "Rejected" };

type Search = { show?: string | string[]; label?: string | string[]; page?: string | string[] };

const one = (value: string | string[] | undefined) => (typeof value === "string" ? value : undefined);

/** This page's address with some of its filters changed (empty ones left out). */
function queueHref(filters: { show: ReviewQueueFilter; label: string | null; page: number }): string {
  const query = new URLSearchParams();
  if (filters.show !== "all") query.set("show", filters.show);
  if (filters.label) query.set("label", filters.label);
  if (filters.page > 1) query.set("page", String(filters.page));
  const text = query.toString();
  return text ? `/review?${text}` : "/review";
}

/**
 * The review queue: the events of every analysis the signed-in user may list (an admin's:
 * everyone's), unreviewed first, to confirm or reject one after another (components/analysis/
 * review-queue.tsx). Filters by review state and label travel in the address, so a filtered
 * queue can be reloaded and shared. Signed out, it sends to sign-in and back.
 */
export default async function ReviewPage({ searchParams }: { searchParams: Promise<Search> }) {
  const search = await searchParams;
  const user = await currentUser();
  if (!user) redirect(signInHref("/review"));
  const shown = one(search.show);
  const show = reviewQueueFilters.find((filter) => filter === shown) ?? "all";
  const label = one(search.label) || null;
  const page = Math.max(1, Math.floor(Number(one(search.page)) || 1));
  const caller = callerFor(user);
  const database = await db();
  const [queue, labels] = await Promise.all([
    listReviewQueue(database, caller, { show, label, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    listReviewLabels(database, caller),
  ]);
  const pages = Math.max(1, Math.ceil(queue.total / PAGE_SIZE));
  const items: QueueEvent[] = queue.items.map((item) => ({
    id: item.id,
    jobId: item.jobId,
    label: item.label,
    startTime: item.startTime,
    endTime: item.endTime,
    confidence: item.confidence,
    verdict: item.verdict,
    thumbnailUrl: item.snapshot ? `/api/jobs/${item.jobId}/media/${encodeURIComponent(item.snapshot)}` : null,
    analysisName: item.filename ?? "Analysis",
    tripId: item.tripId,
    analysedAt: formatDateTime(item.analysedAt),
  }));

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Review</h1>
        <p className="mt-1 text-sm text-slate-600">
          Confirm or reject the events of {user.role === "admin" ? "every analysis on this server" : "your analyses"}, unreviewed first. Rejected events are left out of
          counts, listings and exports.
        </p>
      </div>
      <div className="flex flex-wrap items-end gap-4">
        <nav aria-label="Filter by review" className="flex flex-wrap gap-2">
          {reviewQueueFilters.map((filter) => (
            <Link
              key={filter}
              href={queueHref({ show: filter, label, page: 1 })}
              aria-current={filter === show ? "page" : undefined}
              className={`rounded-full border px-3 py-1 text-sm ${filter === show ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50"}`}
              data-testid="queue-filter"
            >
              {filterNames[filter]}
            </Link>
          ))}
        </nav>
        <form method="get" action="/review" className="flex items-end gap-2">
          {show !== "all" && <input type="hidden" name="show" value={show} />}
          <label className="flex flex-col text-xs font-medium text-slate-700">
            Label
            <select name="label" defaultValue={label ?? ""} className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm font-normal" data-testid="queue-label-filter">
              <option value="">Every label</option>
              {labels.map((name) => (
                <option key={name} value={name}>{eventName(name)}</option>
              ))}
            </select>
          </label>
          <button className="rounded-md border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-50">Show</button>
        </form>
        <p className="text-sm text-slate-600" data-testid="queue-total">
          {queue.total} event{queue.total === 1 ? "" : "s"}
        </p>
      </div>
      {items.length === 0 ? (
        <p className="rounded-xl border border-slate-200 bg-white p-6 text-sm text-slate-600" data-testid="queue-empty">
          {show === "unreviewed" ? "Nothing left to review here." : "No events here."}
        </p>
      ) : (
        // Keyed by the filters: a new filter or page starts the queue over at its first event.
        <ReviewQueue key={queueHref({ show, label, page })} initial={items} />
      )}
      {pages > 1 && (
        <nav className="flex items-center justify-center gap-3 text-sm" aria-label="Queue pages">
          {page > 1 ? <Link href={queueHref({ show, label, page: page - 1 })} className="rounded-md border border-slate-300 bg-white px-3 py-1">Previous</Link> : null}
          <span>Page {page} of {pages}</span>
          {page < pages ? <Link href={queueHref({ show, label, page: page + 1 })} className="rounded-md border border-slate-300 bg-white px-3 py-1">Next</Link> : null}
        </nav>
      )}
    </div>
  );
}
