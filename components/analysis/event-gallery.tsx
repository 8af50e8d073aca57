"use client";

import { useState } from "react";
import { eventName } from "@/lib/analysis/viewer/event-names";
import { MIN_EVENT_SAMPLES, matchesSearch, pageOf, sortEvents, type GallerySort } from "@/lib/analysis/viewer/gallery";
import { movedIndex, reviewKeyHints, verdictOf } from "@/lib/analysis/viewer/review-keys";
import { isRejected } from "@/lib/analysis/viewer/truth";
import { ScrollArea } from "@/components/scroll-area";
import { describeTracks, formatTime } from "./format";
import { ReviewButtons, useReviewKeys, VerdictBadge, type Verdict } from "./review-controls";
import type { ViewerEvent } from "./types";

/** How the gallery gives verdicts: null where the viewer may only look (not the job's owner nor an admin). */
export type GalleryReview = {
  onVerdict: (event: ViewerEvent, verdict: Verdict | null) => void;
  /** Events whose verdict is on its way to the server. */
  busy: ReadonlySet<string>;
} | null;

const PAGE_SIZE = 12;

/**
 * The events after the page's filters: sorted by time or confidence, searched by label or
 * track (#3), as cards (snapshots at the video's aspect) or a compact list, a page at a time.
 * Each event has its clip and snapshots to download and a button that shows it in the player.
 * Events reviewed as false positives stay in the gallery, marked and dimmed, so that the
 * verdict can be undone; they are in no count. With `review`, each event has Confirm, Reject and
 * Undo, and the review keys work: j / k choose the next or previous event (turning the page and
 * showing it in the player), c / x / u give or take back the chosen event's verdict.
 */
export function EventGallery({ events, aspect, onSeek, onPreview, shortHidden, showShort, onShowShort, shortLimit, review }: {
  events: ViewerEvent[];
  aspect: number;
  onSeek: (seconds: number) => void;
  /** Shows a moment in the player without scrolling to it (the keys keep the chosen card in view instead). */
  onPreview: (seconds: number) => void;
  shortHidden: number;
  showShort: boolean;
  onShowShort: (show: boolean) => void;
  shortLimit: number;
  review: GalleryReview;
}) {
  const [sort, setSort] = useState<GallerySort>("time");
  const [query, setQuery] = useState("");
  const [compact, setCompact] = useState(false);
  const [page, setPage] = useState(1);
  const [chosen, setChosen] = useState<string | null>(null);
  const found = sortEvents(events.filter((event) => matchesSearch(event, query)), sort);
  const current = pageOf(found, page, PAGE_SIZE);
  const rejected = found.filter(isRejected).length;

  const choose = (index: number) => {
    const event = found[index];
    setChosen(event.id);
    setPage(Math.floor(index / PAGE_SIZE) + 1);
    onPreview(event.start_time);
    requestAnimationFrame(() => document.querySelector(`[data-event-id="${event.id}"]`)?.scrollIntoView({ block: "nearest" }));
  };

  useReviewKeys((action) => {
    const index = found.findIndex((event) => event.id === chosen);
    if (action === "next" || action === "previous") {
      const to = movedIndex(action, index, found.length);
      if (to >= 0) choose(to);
      return;
    }
    const verdict = verdictOf(action);
    if (review && index >= 0 && verdict !== undefined && !review.busy.has(found[index].id)) review.onVerdict(found[index], verdict);
  });
  const reviewOf = (event: ViewerEvent) => ({
    review,
    chosen: event.id === chosen,
    onVerdict: (verdict: Verdict | null) => {
      setChosen(event.id);
      review?.onVerdict(event, verdict);
    },
  });

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col text-xs font-medium text-slate-700">
          Search events
          <input
            type="search"
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
              setPage(1);
            }}
            placeholder="label or #track"
            className="mt-1 w-48 rounded-md border border-slate-300 px-2 py-1 text-sm font-normal"
            data-testid="gallery-search"
          />
        </label>
        <label className="flex flex-col text-xs font-medium text-slate-700">
          Sort by
          <select value={sort} onChange={(event) => setSort(event.target.value as GallerySort)} className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm font-normal" data-testid="gallery-sort">
            <option value="time">Time</option>
            <option value="confidence">Confidence</option>
          </select>
        </label>
        <div className="flex rounded-md border border-slate-300 text-sm" role="group" aria-label="Gallery layout">
          {[false, true].map((value) => (
            <button key={String(value)} type="button" aria-pressed={compact === value} onClick={() => setCompact(value)} className={`px-3 py-1 ${compact === value ? "bg-slate-900 text-white" : "bg-white text-slate-700 hover:bg-slate-50"} ${value ? "rounded-r-md" : "rounded-l-md"}`}>
              {value ? "List" : "Cards"}
            </button>
          ))}
        </div>
        <p className="text-xs text-slate-700" data-testid="gallery-count">
          {found.length - rejected} event{found.length - rejected === 1 ? "" : "s"}
          {rejected > 0 && <span data-testid="gallery-rejected">, {rejected} rejected</span>}
        </p>
      </div>
      <p className="keyboard-hint text-xs text-slate-600" data-testid="review-keys-hint">
        {review ? reviewKeyHints : "Keys: j / k next and previous event"}
      </p>
      {(shortHidden > 0 || showShort) && (
        <p className="text-xs text-slate-700" data-testid="short-events">
          {showShort ? "Showing events shorter than " : `${shortHidden} event${shortHidden === 1 ? "" : "s"} shorter than `}
          {shortLimit.toFixed(1)} s {showShort ? "" : `hidden (seen on fewer than ${MIN_EVENT_SAMPLES} sampled frames). `}
          <button type="button" className="font-medium text-brand-700 underline" onClick={() => onShowShort(!showShort)}>
            {showShort ? "Hide them" : "Show them"}
          </button>
        </p>
      )}

      {found.length === 0 ? (
        <p className="text-sm text-slate-600">No event matches.</p>
      ) : compact ? (
        <ScrollArea label="Events">
          <table className="w-full text-left text-sm" data-testid="event-list">
            <thead className="text-xs text-slate-700">
              <tr>
                <th className="py-1 pr-3 font-medium">Event</th>
                <th className="py-1 pr-3 font-medium">Time</th>
                <th className="py-1 pr-3 font-medium">Confidence</th>
                <th className="py-1 pr-3 font-medium">Tracks</th>
                <th className="py-1 pr-3 font-medium">Review</th>
                <th className="py-1 font-medium"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {current.items.map((event) => (
                <tr key={event.id} className={`border-t border-slate-200 ${event.id === chosen ? "bg-brand-50" : ""} ${isRejected(event) ? "text-slate-600" : ""}`} data-testid="event-row" data-event-id={event.id} aria-current={event.id === chosen ? "true" : undefined}>
                  <td className="py-1.5 pr-3" data-testid="event-label">{eventName(event.label)}</td>
                  <td className="py-1.5 pr-3 font-mono text-xs">{formatTime(event.start_time)}–{formatTime(event.end_time)}</td>
                  <td className="py-1.5 pr-3" data-testid="event-confidence">{Math.round(event.confidence * 100)}%</td>
                  <td className="py-1.5 pr-3 text-xs">{describeTracks(event.track_ids)}</td>
                  <td className="py-1.5 pr-3">
                    <ReviewCell event={event} {...reviewOf(event)} compact />
                  </td>
                  <td className="py-1.5">
                    <button type="button" onClick={() => onSeek(event.start_time)} className="text-brand-700 hover:underline">Show</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollArea>
      ) : (
        <div className="grid gap-5 sm:grid-cols-2 lg:grid-cols-3" data-testid="event-gallery">
          {current.items.map((event) => <EventCard key={event.id} event={event} aspect={aspect} onSeek={onSeek} {...reviewOf(event)} />)}
        </div>
      )}

      {current.pages > 1 && (
        <nav className="flex items-center justify-center gap-3 text-sm" aria-label="Gallery pages">
          <button type="button" disabled={current.page <= 1} onClick={() => setPage(current.page - 1)} className="rounded-md border border-slate-300 bg-white px-3 py-1 disabled:opacity-50">
            Previous
          </button>
          <span data-testid="gallery-page">Page {current.page} of {current.pages}</span>
          <button type="button" disabled={current.page >= current.pages} onClick={() => setPage(current.page + 1)} className="rounded-md border border-slate-300 bg-white px-3 py-1 disabled:opacity-50">
            Next
          </button>
        </nav>
      )}
    </div>
  );
}

type ReviewProps = { review: GalleryReview; chosen: boolean; onVerdict: (verdict: Verdict | null) => void };

/** An event's verdict, with its buttons where the viewer may review. */
function ReviewCell({ event, review, onVerdict, compact = false }: ReviewProps & { event: ViewerEvent; compact?: boolean }) {
  const verdict = event.review?.verdict ?? null;
  if (!review) return verdict ? <VerdictBadge verdict={verdict} /> : null;
  return (
    <div className={`flex flex-wrap items-center gap-2 ${compact ? "" : "justify-between"}`}>
      <VerdictBadge verdict={verdict} />
      <ReviewButtons verdict={verdict} busy={review.busy.has(event.id)} subject={`${eventName(event.label)} at ${formatTime(event.start_time)}`} onVerdict={onVerdict} compact={compact} />
    </div>
  );
}

function EventCard({ event, aspect, onSeek, review, chosen, onVerdict }: { event: ViewerEvent; aspect: number; onSeek: (seconds: number) => void } & ReviewProps) {
  const [playing, setPlaying] = useState(false);
  const rejected = isRejected(event);
  return (
    <article
      className={`overflow-hidden rounded-xl border shadow-sm ${chosen ? "border-brand-600 ring-2 ring-brand-600" : "border-slate-200"} ${rejected ? "bg-slate-50" : "bg-white"}`}
      data-testid="event-card"
      data-event-id={event.id}
      aria-current={chosen ? "true" : undefined}
    >
      {playing && event.activityClipUrl ? (
        <video src={event.activityClipUrl} controls autoPlay muted playsInline className="w-full bg-black" style={{ aspectRatio: aspect }} data-testid="event-clip" />
      ) : (
        <button type="button" className="group relative block w-full" onClick={() => setPlaying(true)} aria-label={`Play ${eventName(event.label)} clip`}>
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={event.activityImageAnnotatedUrl ?? event.activityImageUrl ?? ""} alt={`${eventName(event.label)} at ${formatTime(event.start_time)}`} loading="lazy" className={`w-full bg-slate-900 object-contain ${rejected ? "opacity-50" : ""}`} style={{ aspectRatio: aspect }} data-testid="event-snapshot" />
          <span className="absolute inset-0 flex items-center justify-center bg-black/0 transition group-hover:bg-black/30">
            <span className="rounded-full bg-white/90 px-3 py-1 text-sm font-medium opacity-0 group-hover:opacity-100">▶ Play clip</span>
          </span>
        </button>
      )}
      <div className="space-y-2 px-4 py-3">
        <div className="flex items-start justify-between gap-2">
          <div>
            <p className="text-base font-medium" data-testid="event-label">{eventName(event.label)}</p>
            <p className="text-sm text-slate-700">
              {formatTime(event.start_time)} – {formatTime(event.end_time)} <span className="text-slate-600">({event.duration.toFixed(1)} s)</span>
            </p>
            <p className="text-sm text-slate-700">{describeTracks(event.track_ids)}</p>
          </div>
          <span className="rounded-full bg-slate-100 px-2 py-0.5 text-sm font-medium text-slate-800" data-testid="event-confidence">{Math.round(event.confidence * 100)}%</span>
        </div>
        <ReviewCell event={event} review={review} chosen={chosen} onVerdict={onVerdict} />
        <div className="flex flex-wrap gap-x-3 gap-y-1 text-sm">
          <button type="button" onClick={() => onSeek(event.start_time)} className="font-medium text-brand-700 hover:underline">Show in player</button>
          {event.activityClipUrl && <a href={event.activityClipUrl} download className="text-brand-700 hover:underline">Clip</a>}
          {event.activityImageUrl && <a href={event.activityImageUrl} download className="text-brand-700 hover:underline">Snapshot</a>}
          {event.activityImageAnnotatedUrl && <a href={event.activityImageAnnotatedUrl} download className="text-brand-700 hover:underline">Annotated snapshot</a>}
        </div>
      </div>
    </article>
  );
}
