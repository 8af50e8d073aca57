"use client";

import Link from "next/link";
import { useState } from "react";
import type { ReviewQueueItem } from "@/lib/analysis/list-review-queue";
import { eventName } from "@/lib/analysis/viewer/event-names";
import { movedIndex, reviewKeyHints, verdictOf } from "@/lib/analysis/viewer/review-keys";
import { formatTime } from "./format";
import { ReviewButtons, sendReview, useReviewKeys, VerdictBadge, type Verdict } from "./review-controls";

/**
 * One event of the queue as the page hands it over: the query's row (lib/analysis/list-review-queue.ts)
 * with its snapshot as a URL, the analysis's name, and the date already written out on the server.
 */
export type QueueEvent = Omit<ReviewQueueItem, "snapshot" | "filename" | "analysedAt"> & {
  thumbnailUrl: string | null;
  analysisName: string;
  analysedAt: string;
};

/**
 * The review queue's events, one chosen at a time (the first to start with). Confirm and
 * Reject, by button or by key (c, x), store the verdict and move on to the next event; u takes
 * the chosen event's verdict back; j and k move without judging. A reviewed event stays where
 * it is, with its verdict, until the page is loaded again (then it sorts after the unreviewed).
 */
export function ReviewQueue({ initial }: { initial: QueueEvent[] }) {
  const [items, setItems] = useState(initial);
  const [chosen, setChosen] = useState(initial.length > 0 ? 0 : -1);
  const [busy, setBusy] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  const choose = (index: number) => {
    setChosen(index);
    const item = items[index];
    if (item) requestAnimationFrame(() => document.querySelector(`[data-event-id="${item.id}"]`)?.scrollIntoView({ block: "nearest" }));
  };

  /** Stores the verdict of the event at `index`; a verdict given (not taken back) moves to the next event. */
  const judge = async (index: number, verdict: Verdict | null) => {
    const item = items[index];
    if (!item || busy) return;
    setChosen(index);
    setBusy(item.id);
    const stored = await sendReview(item.jobId, item.id, verdict);
    setBusy(null);
    setFailed(stored === null);
    if (!stored) return;
    setItems((current) => current.map((candidate) => (candidate.id === item.id ? { ...candidate, verdict } : candidate)));
    if (verdict) choose(movedIndex("next", index, items.length));
  };

  useReviewKeys((action) => {
    if (action === "next" || action === "previous") {
      const to = movedIndex(action, chosen, items.length);
      if (to >= 0) choose(to);
      return;
    }
    const verdict = verdictOf(action);
    if (chosen >= 0 && verdict !== undefined) void judge(chosen, verdict);
  });

  const left = items.filter((item) => item.verdict === null).length;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-700">
        <p data-testid="queue-left">{left} of {items.length} shown still to review</p>
        <p className="keyboard-hint text-xs text-slate-600">{reviewKeyHints}</p>
      </div>
      {failed && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="review-failed">
          The verdict was not saved. Reload the page and try again.
        </p>
      )}
      <ol className="space-y-3" data-testid="review-queue">
        {items.map((item, index) => {
          const name = eventName(item.label);
          const current = index === chosen;
          return (
            <li
              key={item.id}
              data-testid="queue-item"
              data-event-id={item.id}
              data-label={item.label}
              data-verdict={item.verdict ?? "none"}
              aria-current={current ? "true" : undefined}
              className={`flex flex-col gap-3 rounded-xl border bg-white p-3 shadow-sm sm:flex-row sm:items-center ${current ? "border-brand-600 ring-2 ring-brand-600" : "border-slate-200"}`}
            >
              {item.thumbnailUrl ? (
                // eslint-disable-next-line @next/next/no-img-element -- served by our media route with Range/ETag
                <img src={item.thumbnailUrl} alt={`${name} at ${formatTime(item.startTime)}`} loading="lazy" className={`aspect-video w-full shrink-0 rounded bg-slate-900 object-contain sm:w-48 ${item.verdict === "false_positive" ? "opacity-50" : ""}`} data-testid="queue-thumbnail" />
              ) : (
                <span className="flex aspect-video w-full shrink-0 items-center justify-center rounded bg-slate-100 text-xs text-slate-600 sm:w-48">No snapshot</span>
              )}
              <div className="min-w-0 flex-1 space-y-1">
                <div className="flex flex-wrap items-center gap-2">
                  <p className="font-medium" data-testid="queue-label">{name}</p>
                  <VerdictBadge verdict={item.verdict} />
                  <span className="text-xs text-slate-600">{Math.round(item.confidence * 100)}%</span>
                </div>
                <p className="truncate text-sm text-slate-700" data-testid="queue-analysis">
                  {item.analysisName}
                  {item.tripId && <span className="text-slate-600"> · {item.tripId}</span>}
                </p>
                <p className="text-sm text-slate-600">
                  {formatTime(item.startTime)} – {formatTime(item.endTime)} in the video · analysed {item.analysedAt}
                </p>
                <Link href={`/analyses/${item.jobId}?t=${item.startTime}`} className="inline-block text-sm font-medium text-brand-700 hover:underline" data-testid="queue-open">
                  Open in player<span className="sr-only">: {name} at {formatTime(item.startTime)} in {item.analysisName}</span>
                </Link>
              </div>
              <ReviewButtons verdict={item.verdict} busy={busy === item.id} subject={`${name} at ${formatTime(item.startTime)} in ${item.analysisName}`} onVerdict={(verdict) => void judge(index, verdict)} />
            </li>
          );
        })}
      </ol>
    </div>
  );
}
