"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { shortEventLimit } from "@/lib/analysis/viewer/gallery";
import { DEFAULT_BOX_CONFIDENCE } from "@/lib/analysis/viewer/overlay";
import { countEvents, eventName, trackEvents } from "@/lib/analysis/viewer/truth";
import { EventGallery } from "./event-gallery";
import { sendReview, type Verdict } from "./review-controls";
import { EventTimeline } from "./event-timeline";
import { ExportsPanel } from "./exports-panel";
import { OverlayPlayer, useDetections } from "./overlay-player";
import { TrackList } from "./track-list";
import type { ViewerEvent, ViewerTrack } from "./types";
import { ZonesPanel } from "./zones-panel";
import type { Zone } from "@/lib/analysis/zone-geometry";

export type VideoGeometry = { duration: number; frameRate: number; sampleInterval: number; width: number; height: number };

/**
 * A finished analysis to look through: the player with its boxes and zones, the filters, the timeline
 * under the player (kept in view beside the tracks), the tracks, the zones (to edit and run
 * again), the gallery and the exports.
 * One set of filters (event type, chosen track, short events) drives timeline and gallery; the
 * class toggles and the confidence slider choose the boxes on the player. Every count on the
 * page comes from one countEvents: the chips, the legend, the heading and the gallery agree,
 * and none counts an event reviewed as a false positive (the gallery keeps it, marked).
 *
 * The job's owner and admins (`canReview`) confirm or reject events in the gallery; a verdict
 * shows once the server stored it (`onReviewed` puts it in the page's events), so the counts
 * change at once and a reload shows the same. `startAt` opens the player at a moment (the
 * review queue's links).
 */
export function AnalysisViewer({ jobId, sourceUrl, events, geometry, canReview, onReviewed, startAt, zones, mayRunAgain }: {
  jobId: string;
  sourceUrl: string;
  events: ViewerEvent[];
  geometry: VideoGeometry;
  canReview: boolean;
  onReviewed: (eventId: string, review: ViewerEvent["review"]) => void;
  startAt: number | null;
  zones: Zone[];
  /** Offer "Edit zones and run again" (the browser or account that may re-run the job). */
  mayRunAgain: boolean;
}) {
  const video = useRef<HTMLVideoElement>(null);
  const player = useRef<HTMLDivElement>(null);
  const [duration, setDuration] = useState(geometry.duration);
  const detections = useDetections(jobId, video, duration);
  const [currentTime, setCurrentTime] = useState(0);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [minConfidence, setMinConfidence] = useState(DEFAULT_BOX_CONFIDENCE);
  const [shownLabel, setShownLabel] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [masks, setMasks] = useState(true);
  const [showShort, setShowShort] = useState(false);
  const [tracks, setTracks] = useState<ViewerTrack[] | null>(null);
  const [reviewing, setReviewing] = useState<ReadonlySet<string>>(new Set());
  const [reviewFailed, setReviewFailed] = useState(false);
  const aspect = geometry.width > 0 && geometry.height > 0 ? geometry.width / geometry.height : 16 / 9;

  useEffect(() => {
    void fetch(`/api/jobs/${jobId}/tracks`)
      .then((response) => (response.ok ? response.json() : { tracks: [] }))
      .then((body) => setTracks(body.tracks))
      .catch(() => setTracks([]));
  }, [jobId]);

  // The playhead: every paint while playing, and on every seek or pause.
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    let frame = 0;
    const follow = () => {
      setCurrentTime(element.currentTime);
      if (!element.paused) frame = requestAnimationFrame(follow);
    };
    const onMeta = () => {
      if (Number.isFinite(element.duration) && element.duration > 0) setDuration(element.duration);
      // Opened at a moment (?t=): once, when the video can seek.
      if (startAt !== null && element.currentTime === 0) element.currentTime = Math.min(startAt, element.duration || startAt);
    };
    if (element.readyState >= 1) onMeta();
    element.addEventListener("play", follow);
    element.addEventListener("seeked", follow);
    element.addEventListener("timeupdate", follow);
    element.addEventListener("loadedmetadata", onMeta);
    return () => {
      cancelAnimationFrame(frame);
      element.removeEventListener("play", follow);
      element.removeEventListener("seeked", follow);
      element.removeEventListener("timeupdate", follow);
      element.removeEventListener("loadedmetadata", onMeta);
    };
  }, [startAt]);

  const seek = (seconds: number, reveal = false) => {
    const element = video.current;
    if (!element) return;
    element.currentTime = seconds;
    setCurrentTime(seconds);
    if (reveal) player.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  };

  /** Stores a verdict (null: takes it back), then shows it; a refusal is said once, above the gallery. */
  const giveVerdict = async (event: ViewerEvent, verdict: Verdict | null) => {
    setReviewing((current) => new Set(current).add(event.id));
    const stored = await sendReview(jobId, event.id, verdict);
    setReviewing((current) => {
      const next = new Set(current);
      next.delete(event.id);
      return next;
    });
    setReviewFailed(stored === null);
    if (stored) onReviewed(event.id, stored.review);
  };

  const chosenTrack = tracks?.find((track) => track.track_id === selected) ?? null;
  const counts = useMemo(
    () => countEvents(events, geometry.sampleInterval, { showShort, trackEventIds: chosenTrack?.event_ids ?? null }),
    [events, geometry.sampleInterval, showShort, chosenTrack],
  );
  // Every event type of the job, the busiest first: colours and lanes stay put while filtering.
  // A label whose every event was rejected keeps its chip (at 0) and lane, last.
  const labels = useMemo(() => {
    const all = countEvents(events, geometry.sampleInterval, { showShort: true, trackEventIds: null });
    const counted = all.labels.map((row) => row.label);
    return [...counted, ...new Set(all.rejected.map((event) => event.label).filter((label) => !counted.includes(label)))];
  }, [events, geometry.sampleInterval]);
  const shown = counts.visible.filter((event) => shownLabel === null || event.label === shownLabel);
  const rejectedShown = counts.rejected.filter((event) => shownLabel === null || event.label === shownLabel);
  const short = counts.labels.filter((row) => shownLabel === null || row.label === shownLabel).reduce((sum, row) => sum + row.hiddenShort, 0);
  // On the timeline a chosen track's events run only while that track was seen.
  const onTimeline = chosenTrack ? trackEvents(chosenTrack, shown).map((event) => ({ ...event, start_time: event.track_start, end_time: event.track_end })) : shown;
  const settings = useMemo(() => ({ hidden, minConfidence, selectedTrack: selected, masks }), [hidden, minConfidence, selected, masks]);

  return (
    <div className="space-y-6">
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <section className="min-w-0 space-y-3 rounded-xl border border-slate-200 bg-white p-3 shadow-sm sm:p-4 lg:sticky lg:top-4 lg:self-start" aria-label="Player" ref={player}>
          <OverlayPlayer src={sourceUrl} video={video} detections={detections} settings={settings} frameRate={geometry.frameRate || 25} aspect={aspect} zones={zones} />
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm">
            <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label="Classes drawn on the player">
              <span className="text-xs font-medium text-slate-700">Boxes:</span>
              {detections.labels.map((label) => (
                <button
                  key={label}
                  type="button"
                  aria-pressed={!hidden.has(label)}
                  onClick={() => {
                    const next = new Set(hidden);
                    if (next.has(label)) next.delete(label);
                    else next.add(label);
                    setHidden(next);
                  }}
                  className={`rounded-full border px-2.5 py-0.5 text-xs capitalize ${hidden.has(label) ? "border-slate-300 bg-white text-slate-600 line-through" : "border-slate-900 bg-slate-900 text-white"}`}
                >
                  {label}
                </button>
              ))}
              {detections.masks.length > 0 && (
                <button type="button" aria-pressed={masks} onClick={() => setMasks(!masks)} className={`rounded-full border px-2.5 py-0.5 text-xs ${masks ? "border-sky-700 bg-sky-700 text-white" : "border-slate-300 bg-white text-slate-600 line-through"}`} data-testid="mask-toggle">
                  Person masks
                </button>
              )}
            </div>
            <label className="flex items-center gap-2 text-xs font-medium text-slate-700">
              Box confidence
              <input type="range" min={0} max={95} step={5} value={Math.round(minConfidence * 100)} onChange={(event) => setMinConfidence(Number(event.target.value) / 100)} data-testid="confidence-slider" />
              <span className="w-8 font-mono">{Math.round(minConfidence * 100)}%</span>
            </label>
          </div>
          <div className="flex flex-wrap gap-2" role="group" aria-label="Filter events by label">
            {[null, ...labels].map((label) => {
              const row = counts.labels.find((candidate) => candidate.label === label);
              const count = label === null ? counts.visible.length : (row?.shown ?? 0);
              return (
                <button
                  key={label ?? "all"}
                  type="button"
                  onClick={() => setShownLabel(label)}
                  aria-pressed={shownLabel === label}
                  data-testid="label-chip"
                  data-label={label ?? ""}
                  data-count={count}
                  className={`rounded-full border px-3 py-1 text-xs ${shownLabel === label ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50"}`}
                >
                  {label === null ? "All" : eventName(label)} <span className="opacity-80">{count}</span>
                </button>
              );
            })}
            {chosenTrack && (
              <button type="button" onClick={() => setSelected(null)} className="rounded-full border border-brand-600 bg-brand-50 px-3 py-1 text-xs text-brand-700" data-testid="selected-track-chip">
                Track #{chosenTrack.track_id} ✕
              </button>
            )}
          </div>
          <EventTimeline jobId={jobId} events={onTimeline} duration={duration} currentTime={currentTime} onSeek={(t) => seek(t)} labels={labels} />
        </section>
        <aside className="min-w-0 rounded-xl border border-slate-200 bg-white p-3 shadow-sm sm:p-4">
          <TrackList
            jobId={jobId}
            tracks={tracks}
            events={events}
            selected={selected}
            onSelect={(track) => {
              setSelected(track?.track_id ?? null);
              if (track) seek(track.first_seen + 1e-3, true);
            }}
            onSeek={(t) => seek(t, true)}
            frame={{ width: geometry.width || detections.width, height: geometry.height || detections.height }}
          />
        </aside>
      </div>

      <ZonesPanel jobId={jobId} zones={zones} events={events} mayRunAgain={mayRunAgain} />

      <ExportsPanel jobId={jobId} />

      <section aria-labelledby="events-title">
        <h2 id="events-title" className="mb-3 text-lg font-medium">
          Events <span className="text-slate-600" data-testid="events-count">({counts.visible.length})</span>
          {counts.hiddenShort > 0 && <span className="ml-2 text-sm font-normal text-slate-600">and {counts.hiddenShort} short hidden</span>}
          {counts.rejected.length > 0 && <span className="ml-2 text-sm font-normal text-slate-600" data-testid="events-rejected">and {counts.rejected.length} rejected as false positives</span>}
        </h2>
        {reviewFailed && (
          <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="review-failed">
            The verdict was not saved. Reload the page and try again.
          </p>
        )}
        {events.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing matched the event rules in this video.</p>
        ) : (
          <EventGallery
            events={[...shown, ...rejectedShown]}
            aspect={aspect}
            onSeek={(t) => seek(t, true)}
            onPreview={(t) => seek(t)}
            shortHidden={short}
            showShort={showShort}
            onShowShort={setShowShort}
            shortLimit={shortEventLimit(geometry.sampleInterval)}
            review={canReview ? { onVerdict: (event, verdict) => void giveVerdict(event, verdict), busy: reviewing } : null}
          />
        )}
      </section>
    </div>
  );
}
