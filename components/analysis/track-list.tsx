"use client";

import { useState } from "react";
import { trackColour } from "@/lib/analysis/viewer/overlay";
import { eventName, trackEvents } from "@/lib/analysis/viewer/truth";
import { formatTime } from "./format";
import type { ViewerEvent, ViewerTrack } from "./types";

const PAGE = 12;

/**
 * The job's tracks: each with its picture, first and last seen and its path drawn over the
 * frame. Choosing one selects it (highlighted on the player, the timeline and gallery narrowed
 * to its events) and lists what it did: its events cut to the time it was seen, so a person
 * seen for a second is not shown "present" for the whole video.
 */
export function TrackList({
  jobId,
  tracks,
  events,
  selected,
  onSelect,
  onSeek,
  frame,
}: {
  jobId: string;
  tracks: ViewerTrack[] | null;
  events: ViewerEvent[];
  selected: number | null;
  onSelect: (track: ViewerTrack | null) => void;
  onSeek: (seconds: number) => void;
  frame: { width: number; height: number };
}) {
  const [shown, setShown] = useState(PAGE);
  const [onlyWithEvents, setOnlyWithEvents] = useState(true);
  if (tracks === null) return <p className="text-sm text-slate-600">Loading tracks…</p>;
  const listed = tracks.filter((track) => !onlyWithEvents || track.event_ids.length > 0 || track.track_id === selected);
  const chosen = tracks.find((track) => track.track_id === selected) ?? null;
  const chosenEvents = chosen ? trackEvents(chosen, events) : [];

  return (
    <div className="space-y-3" data-testid="track-list">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="font-medium">
          Tracks <span className="text-slate-600">({listed.length} of {tracks.length})</span>
        </h2>
        <label className="flex items-center gap-1.5 text-xs text-slate-700">
          <input type="checkbox" checked={onlyWithEvents} onChange={(event) => setOnlyWithEvents(event.target.checked)} />
          Only tracks in events
        </label>
      </div>

      {chosen && (
        <section className="rounded-lg border border-brand-600 bg-brand-50 p-3" data-testid="track-detail" aria-label={`Track ${chosen.track_id}`}>
          <div className="flex items-start justify-between gap-2">
            <div>
              <p className="font-medium capitalize">
                {chosen.label} #{chosen.track_id}
              </p>
              <p className="text-xs text-slate-700">
                <span data-testid="track-span">Seen {formatSpan(chosen.first_seen, chosen.last_seen)}</span> · {chosen.frames} frames · {Math.round(chosen.avg_confidence * 100)}% average
              </p>
            </div>
            <button type="button" onClick={() => onSelect(null)} className="rounded-md border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50">
              Clear
            </button>
          </div>
          <TrackPath jobId={jobId} track={chosen} frame={frame} large />
          <h3 className="mt-2 text-sm font-medium">What it did</h3>
          {chosenEvents.length === 0 ? (
            <p className="text-xs text-slate-700">No event involves this track.</p>
          ) : (
            <ol className="mt-1 space-y-1" data-testid="track-events">
              {chosenEvents.map((event) => (
                <li key={event.id}>
                  <button type="button" onClick={() => onSeek(event.track_start)} className="w-full rounded px-1.5 py-1 text-left text-sm hover:bg-white" data-testid="track-event" data-start={event.track_start} data-end={event.track_end}>
                    <span>{eventName(event.label)}</span> <span className="font-mono text-xs text-slate-700">{formatSpan(event.track_start, event.track_end)}</span>
                  </button>
                </li>
              ))}
            </ol>
          )}
        </section>
      )}

      <ul className="grid max-h-[28rem] gap-2 overflow-y-auto pr-1 sm:grid-cols-2 lg:grid-cols-1" aria-label="Tracks">
        {listed.slice(0, shown).map((track) => {
          const [r, g, b] = trackColour(track.track_id);
          return (
            <li key={track.track_id}>
              <button
                type="button"
                aria-pressed={track.track_id === selected}
                onClick={() => onSelect(track.track_id === selected ? null : track)}
                className={`flex w-full items-center gap-3 rounded-lg border p-2 text-left ${track.track_id === selected ? "border-brand-600 bg-brand-50" : "border-slate-200 bg-white hover:bg-slate-50"}`}
                data-testid="track-item"
                data-track-id={track.track_id}
              >
                {/* eslint-disable-next-line @next/next/no-img-element */}
                <img src={`/api/jobs/${jobId}/tracks/${track.track_id}/thumbnail`} alt={`${track.label} ${track.track_id}`} loading="lazy" className="h-16 w-12 shrink-0 rounded bg-slate-200 object-cover" />
                <span className="min-w-0 flex-1">
                  <span className="flex items-center gap-1.5 font-medium capitalize">
                    <span className="inline-block h-2.5 w-2.5 rounded-full" style={{ backgroundColor: `rgb(${r}, ${g}, ${b})` }} aria-hidden="true" />
                    {track.label} #{track.track_id}
                  </span>
                  <span className="block text-xs text-slate-700">
                    {formatSpan(track.first_seen, track.last_seen)} · {track.event_ids.length} event{track.event_ids.length === 1 ? "" : "s"}
                  </span>
                </span>
                <TrackPath jobId={jobId} track={track} frame={frame} />
              </button>
            </li>
          );
        })}
      </ul>
      {listed.length > shown && (
        <button type="button" onClick={() => setShown(shown + PAGE)} className="text-sm font-medium text-brand-700 hover:underline">
          Show {Math.min(PAGE, listed.length - shown)} more tracks
        </button>
      )}
    </div>
  );
}

/** Where the track went: its centre points joined, over the frame it was seen best in. */
function TrackPath({ jobId, track, frame, large = false }: { jobId: string; track: ViewerTrack; frame: { width: number; height: number }; large?: boolean }) {
  const width = frame.width || 16;
  const height = frame.height || 9;
  const [r, g, b] = trackColour(track.track_id);
  const points = track.path.map(([, x, y]) => `${x},${y}`).join(" ");
  const last = track.path[track.path.length - 1];
  return (
    <svg viewBox={`0 0 ${width} ${height}`} className={large ? "mt-2 w-full rounded bg-slate-900" : "h-12 w-20 shrink-0 rounded bg-slate-900"} role="img" aria-label={`Path of track ${track.track_id}`} data-testid="track-path">
      <image href={`/api/jobs/${jobId}/thumbnails/${Math.floor(track.best_time)}`} width={width} height={height} preserveAspectRatio="none" opacity={0.7} />
      <polyline points={points} fill="none" stroke={`rgb(${r}, ${g}, ${b})`} strokeWidth={width / (large ? 120 : 40)} strokeLinejoin="round" strokeLinecap="round" />
      {last && <circle cx={last[1]} cy={last[2]} r={width / (large ? 70 : 25)} fill={`rgb(${r}, ${g}, ${b})`} />}
    </svg>
  );
}

/** "0:12–0:13 (0.8 s)": a short span says how short, which whole seconds cannot. */
function formatSpan(start: number, end: number): string {
  return `${formatTime(start)}–${formatTime(end)} (${Math.max(0, end - start).toFixed(1)} s)`;
}
