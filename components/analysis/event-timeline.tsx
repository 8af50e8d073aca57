"use client";

import { useEffect, useRef, useState } from "react";
import { lanesOf, seekForKey, tickLabel, timeAtX, timeTicks } from "@/lib/analysis/viewer/timeline";
import { eventName } from "@/lib/analysis/viewer/event-names";
import { formatTime, labelColour } from "./format";
import type { ViewerEvent } from "./types";

/**
 * The events on a time axis: ticks, one lane per event type (with its legend), the playhead
 * following the video. The whole thing is one slider (arrow keys, PageUp/Down, Home/End) and
 * a click seeks; hovering shows the frame at that second (GET /api/jobs/{id}/thumbnails/{s}).
 */
export function EventTimeline({
  jobId,
  events,
  duration,
  currentTime,
  onSeek,
  labels,
}: {
  jobId: string;
  events: ViewerEvent[];
  duration: number;
  currentTime: number;
  onSeek: (seconds: number) => void;
  /** Every event type of the job, so that colours and legend stay put while filtering. */
  labels: string[];
}) {
  const axis = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  const [hover, setHover] = useState<{ x: number; t: number } | null>(null);

  useEffect(() => {
    const element = axis.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(entry.contentRect.width));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const ticks = timeTicks(duration, width);
  const fine = ticks.length > 1 && ticks[1] - ticks[0] < 1;
  const lanes = lanesOf(events);
  const laneOf = new Map(lanes.map((lane) => [lane.label, lane.events]));
  const shownLabels = labels.filter((label) => laneOf.has(label));
  const percent = (t: number) => `${(Math.min(duration, Math.max(0, t)) / Math.max(duration, 1e-6)) * 100}%`;
  const xOf = (clientX: number) => {
    const box = axis.current!.getBoundingClientRect();
    return clientX - box.left;
  };

  return (
    <div data-testid="timeline" aria-label="Event timeline">
      <ul className="mb-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700" aria-label="Timeline legend" data-testid="timeline-legend">
        {shownLabels.map((label) => (
          <li key={label} className="flex items-center gap-1.5" data-label={label} data-count={laneOf.get(label)!.length}>
            <span className="inline-block h-3 w-3 rounded-sm" style={{ backgroundColor: labelColour(label, labels) }} aria-hidden="true" />
            {eventName(label)} <span className="text-slate-600">({laneOf.get(label)!.length})</span>
          </li>
        ))}
        {shownLabels.length === 0 && <li className="text-slate-600">No events match the filters</li>}
      </ul>
      <div
        ref={axis}
        role="slider"
        tabIndex={0}
        aria-label="Seek in video (events timeline)"
        aria-valuemin={0}
        aria-valuemax={Math.round(duration * 10) / 10}
        aria-valuenow={Math.round(currentTime * 10) / 10}
        aria-valuetext={`${formatTime(currentTime)} of ${formatTime(duration)}`}
        onKeyDown={(event) => {
          const to = seekForKey(event.key, event.shiftKey, currentTime, duration);
          if (to === null) return;
          event.preventDefault();
          onSeek(to);
        }}
        onClick={(event) => onSeek(timeAtX(xOf(event.clientX), width, duration))}
        onPointerMove={(event) => {
          const x = xOf(event.clientX);
          setHover({ x, t: timeAtX(x, width, duration) });
        }}
        onPointerLeave={() => setHover(null)}
        className="relative cursor-pointer select-none rounded-md border border-slate-200 bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600"
        data-testid="timeline-slider"
      >
        <div className="relative h-6 border-b border-slate-200" aria-hidden="true">
          {ticks.map((tick) => (
            <span key={tick} className="absolute top-0 h-full border-l border-slate-300" style={{ left: percent(tick) }}>
              {/* Near the end the label sits left of its tick, inside the axis. */}
              <span className={`absolute top-0.5 whitespace-nowrap font-mono text-[11px] text-slate-600 ${tick > duration * 0.92 ? "right-1" : "left-1"}`}>{tickLabel(tick, fine)}</span>
            </span>
          ))}
        </div>
        <div className="py-1" aria-hidden="true">
          {shownLabels.map((label) => (
            <div key={label} className="relative h-5" data-testid="timeline-lane" data-label={label}>
              {laneOf.get(label)!.map((event, i) => (
                <span
                  key={i}
                  title={`${eventName(event.label)} ${formatTime(event.start_time)}–${formatTime(event.end_time)}`}
                  className="absolute top-0.5 h-4 rounded-sm opacity-90"
                  style={{ left: percent(event.start_time), width: `max(3px, ${((event.end_time - event.start_time) / Math.max(duration, 1e-6)) * 100}%)`, backgroundColor: labelColour(label, labels) }}
                  data-testid="timeline-bar"
                />
              ))}
            </div>
          ))}
        </div>
        <div className="pointer-events-none absolute inset-y-0 w-0.5 -translate-x-1/2 bg-red-600" style={{ left: percent(currentTime) }} data-testid="playhead" aria-hidden="true" />
        {hover && (
          <div className="pointer-events-none absolute bottom-full z-10 mb-2 -translate-x-1/2 rounded-md bg-slate-900 p-1 shadow-lg" style={{ left: Math.min(Math.max(hover.x, 84), Math.max(84, width - 84)) }} data-testid="scrub-preview" aria-hidden="true">
            {/* eslint-disable-next-line @next/next/no-img-element */}
            <img src={`/api/jobs/${jobId}/thumbnails/${Math.floor(hover.t)}`} alt="" width={160} className="block w-40 rounded" />
            <span className="block text-center font-mono text-xs text-white">{formatTime(hover.t)}</span>
          </div>
        )}
      </div>
    </div>
  );
}
