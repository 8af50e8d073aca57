"use client";

import { useEffect, useRef } from "react";
import { reviewActionFor, type ReviewAction } from "@/lib/analysis/viewer/review-keys";
import type { ViewerEvent } from "./types";

export type Verdict = "confirmed" | "false_positive";

/** What the server stored: the event's review as the API writes it (null once cleared), or null when it refused. */
export type StoredReview = { review: ViewerEvent["review"] } | null;

/**
 * Gives (or, with null, takes back) an event's verdict through the review endpoint
 * (POST/DELETE /api/jobs/{job_id}/events/{event_id}/review). A page shows the verdict only
 * once it is stored, so what it shows is what a reload shows.
 */
export async function sendReview(jobId: string, eventId: string, verdict: Verdict | null): Promise<StoredReview> {
  const url = `/api/jobs/${jobId}/events/${eventId}/review`;
  const response = await fetch(url, verdict
    ? { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ verdict }) }
    : { method: "DELETE" }).catch(() => null);
  if (!response?.ok) return null;
  if (!verdict) return { review: null };
  const event = (await response.json()) as ViewerEvent;
  return { review: event.review };
}

/**
 * Calls `onAction` for the review keys (lib/analysis/viewer/review-keys.ts) pressed anywhere on
 * the page but in a text field. The latest handler is kept in a ref so the listener is added
 * once, not on every render.
 */
export function useReviewKeys(onAction: (action: ReviewAction) => void): void {
  const latest = useRef(onAction);
  useEffect(() => {
    latest.current = onAction;
  });
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const target = event.target instanceof HTMLElement ? event.target : null;
      const action = reviewActionFor({ key: event.key, ctrlKey: event.ctrlKey, altKey: event.altKey, metaKey: event.metaKey, target });
      if (!action) return;
      event.preventDefault();
      latest.current(action);
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);
}

const verdictStyle: Record<Verdict, string> = {
  confirmed: "bg-emerald-50 text-emerald-800 ring-emerald-600/30",
  false_positive: "bg-red-50 text-red-800 ring-red-600/30",
};

/** The verdict as a small badge: "Confirmed", "Rejected", or "Unreviewed". */
export function VerdictBadge({ verdict }: { verdict: Verdict | null }) {
  return (
    <span
      className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${verdict ? verdictStyle[verdict] : "bg-slate-50 text-slate-700 ring-slate-400/40"}`}
      data-testid="event-verdict"
      data-verdict={verdict ?? "none"}
    >
      {verdict === "confirmed" ? "Confirmed" : verdict === "false_positive" ? "Rejected" : "Unreviewed"}
    </span>
  );
}

/**
 * Confirm, Reject (a false positive) and Undo for one event. The two verdict buttons are
 * toggles (aria-pressed shows the stored verdict; pressing it again takes it back); Undo shows
 * only once there is a verdict.
 * `subject` names the event for screen readers, as several sets sit on one page.
 */
export function ReviewButtons({ verdict, busy, subject, onVerdict, compact = false }: {
  verdict: Verdict | null;
  busy: boolean;
  subject: string;
  onVerdict: (verdict: Verdict | null) => void;
  compact?: boolean;
}) {
  const size = compact ? "px-2 py-0.5 text-xs" : "px-2.5 py-1 text-sm";
  return (
    <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label={`Review ${subject}`}>
      <button
        type="button"
        disabled={busy}
        aria-pressed={verdict === "confirmed"}
        onClick={() => onVerdict(verdict === "confirmed" ? null : "confirmed")}
        title="Confirm (c)"
        className={`rounded-md border font-medium disabled:opacity-60 ${size} ${verdict === "confirmed" ? "border-emerald-700 bg-emerald-700 text-white" : "border-emerald-700 bg-white text-emerald-800 hover:bg-emerald-50"}`}
        data-testid="review-confirm"
      >
        Confirm
      </button>
      <button
        type="button"
        disabled={busy}
        aria-pressed={verdict === "false_positive"}
        onClick={() => onVerdict(verdict === "false_positive" ? null : "false_positive")}
        title="Reject as a false positive (x)"
        className={`rounded-md border font-medium disabled:opacity-60 ${size} ${verdict === "false_positive" ? "border-red-700 bg-red-700 text-white" : "border-red-700 bg-white text-red-800 hover:bg-red-50"}`}
        data-testid="review-reject"
      >
        Reject
      </button>
      {verdict && (
        <button type="button" disabled={busy} onClick={() => onVerdict(null)} title="Undo the verdict (u)" className={`rounded-md border border-slate-300 bg-white text-slate-700 hover:bg-slate-50 disabled:opacity-60 ${size}`} data-testid="review-undo">
          Undo
        </button>
      )}
    </div>
  );
}
