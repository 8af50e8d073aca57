"use client";

import { useCallback, useEffect, useRef, useState } from "react";

export type JobView = {
  id: string;
  status: string;
  phase: string | null;
  processed: number;
  total: number;
  currentStep: string | null;
  errorMessage: string | null;
};
export type LogLine = { at: string; level: string; message: string };
export type EventView = {
  label: string;
  start_time: number;
  end_time: number;
  confidence: number;
  track_ids: number[];
  activityImageUrl: string | null;
  activityImageAnnotatedUrl?: string | null;
  activityClipUrl: string | null;
};

const terminal = new Set(["completed", "failed", "cancelled"]);

/**
 * A job as it runs: progress, phase and log pushed over `/ws/jobs/{id}` (polling the progress
 * endpoint if the socket cannot open), then the events as a gallery beside the source video.
 */
export function LiveJob({ initial, logs: initialLogs, sourceUrl, duration }: { initial: JobView; logs: LogLine[]; sourceUrl: string | null; duration: number | null }) {
  const [job, setJob] = useState(initial);
  const [logs, setLogs] = useState(initialLogs);
  const [events, setEvents] = useState<EventView[] | null>(null);
  const [live, setLive] = useState<"socket" | "polling" | "idle">("idle");
  const [shown, setShown] = useState<string | null>(null);
  const video = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    if (terminal.has(initial.status)) return;
    let poller: ReturnType<typeof setInterval> | undefined;
    const poll = () => {
      setLive("polling");
      poller = setInterval(async () => {
        const response = await fetch(`/api/jobs/${initial.id}`).catch(() => null);
        if (!response?.ok) return;
        const body = await response.json();
        setJob((current) => ({ ...current, processed: body.processed, total: body.total, errorMessage: body.error, status: body.done ? (body.error ? "failed" : "completed") : current.status }));
      }, 2000);
    };
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/jobs/${initial.id}`);
    socket.onopen = () => setLive("socket");
    socket.onmessage = (message) => {
      const data = JSON.parse(message.data);
      if (data.type === "job") setJob((current) => ({ ...current, ...data.job }));
      if (data.type === "job.log") setLogs((current) => [...current, data.log]);
    };
    socket.onerror = () => poll();
    return () => {
      socket.close();
      if (poller) clearInterval(poller);
    };
  }, [initial.id, initial.status]);

  const loadEvents = useCallback(async () => {
    const response = await fetch(`/api/jobs/${initial.id}/results?page=1&page_size=100`);
    if (response.ok) setEvents((await response.json()).events);
  }, [initial.id]);

  useEffect(() => {
    if (job.status === "completed") void loadEvents();
  }, [job.status, loadEvents]);

  const percent = job.total > 0 ? Math.min(100, Math.round((job.processed / job.total) * 100)) : job.status === "completed" ? 100 : 0;
  return (
    <div className="space-y-8">
      <section className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <div className="flex items-center justify-between">
          <div className="flex items-center gap-3">
            <StatusBadge status={job.status} />
            <span className="text-sm text-slate-600" data-testid="job-phase">{job.currentStep ?? job.phase ?? "Waiting to start"}</span>
          </div>
          <span className="text-xs text-slate-600">{live === "socket" ? "live" : live === "polling" ? "polling" : ""}</span>
        </div>
        <div className="mt-4 flex items-center gap-4">
          <div className="h-3 flex-1 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label="Analysis progress" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
            <div className={`h-full rounded-full transition-[width] duration-500 ${job.status === "failed" ? "bg-red-500" : "bg-brand-600"}`} style={{ width: `${percent}%` }} />
          </div>
          <span className="w-24 text-right font-mono text-sm" data-testid="job-percent">{percent}%</span>
        </div>
        <p className="mt-1 text-xs text-slate-500">{job.processed} / {job.total} frames</p>
        {job.errorMessage && <p className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="job-error">{job.errorMessage}</p>}
        <details className="mt-4" open={!terminal.has(job.status)}>
          <summary className="cursor-pointer text-sm font-medium text-slate-700">Log ({logs.length})</summary>
          <ol className="mt-2 max-h-56 overflow-y-auto rounded-md bg-slate-950 p-3 font-mono text-xs text-slate-200" data-testid="job-log">
            {logs.map((line, i) => (
              <li key={i} className={line.level === "error" ? "text-red-300" : line.level === "warn" ? "text-amber-300" : ""}>
                <span className="text-slate-500">{line.at.slice(11, 19)}</span> {line.message}
              </li>
            ))}
          </ol>
        </details>
      </section>

      {sourceUrl && (
        <section className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
          <h2 className="font-medium">Source video</h2>
          <video ref={video} src={sourceUrl} controls preload="metadata" className="mt-3 w-full rounded-lg bg-black" data-testid="source-video" />
          {events && duration ? (
            <div className="relative mt-3 h-8 rounded-md bg-slate-100" data-testid="timeline" role="group" aria-label="Event timeline">
              {events.map((event, i) => (
                <button
                  key={i}
                  title={`${event.label} ${formatTime(event.start_time)}–${formatTime(event.end_time)}`}
                  onClick={() => {
                    if (video.current) {
                      video.current.currentTime = event.start_time;
                      void video.current.play();
                    }
                  }}
                  className={`absolute top-1 h-6 rounded ${colourOf(event.label)} opacity-80 hover:opacity-100`}
                  style={{ left: `${(event.start_time / duration) * 100}%`, width: `${Math.max(0.6, ((event.end_time - event.start_time) / duration) * 100)}%` }}
                />
              ))}
            </div>
          ) : null}
        </section>
      )}

      {job.status === "completed" && (
        <section>
          <div className="flex flex-wrap items-center gap-3">
            <h2 className="text-lg font-medium">Events {events && <span className="text-slate-600">({events.length})</span>}</h2>
            {events && events.length > 0 && (
              <div className="flex flex-wrap gap-2" role="group" aria-label="Filter events by label">
                {[null, ...countByLabel(events).map(([label]) => label)].map((label) => (
                  <button
                    key={label ?? "all"}
                    onClick={() => setShown(label)}
                    aria-pressed={shown === label}
                    className={`rounded-full border px-3 py-1 text-xs capitalize ${shown === label ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50"}`}
                  >
                    {label ?? "all"} <span className="opacity-60">{label ? events.filter((e) => e.label === label).length : events.length}</span>
                  </button>
                ))}
              </div>
            )}
          </div>
          {events === null ? (
            <p className="mt-2 text-sm text-slate-500">Loading events…</p>
          ) : events.length === 0 ? (
            <p className="mt-2 text-sm text-slate-500">Nothing matched the event rules in this video.</p>
          ) : (
            <div className="mt-4 grid gap-5 sm:grid-cols-2 lg:grid-cols-3" data-testid="event-gallery">
              {events.filter((event) => shown === null || event.label === shown).map((event, i) => <EventCard key={`${event.label}-${event.start_time}-${i}`} event={event} />)}
            </div>
          )}
        </section>
      )}
    </div>
  );
}

function countByLabel(events: EventView[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.label, (counts.get(event.label) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]);
}

function EventCard({ event }: { event: EventView }) {
  const [playing, setPlaying] = useState(false);
  return (
    <article className="overflow-hidden rounded-xl border border-slate-200 bg-white shadow-sm" data-testid="event-card">
      {playing && event.activityClipUrl ? (
        <video src={event.activityClipUrl} controls autoPlay muted playsInline className="aspect-video w-full bg-black" data-testid="event-clip" />
      ) : (
        <button className="group relative block w-full" onClick={() => setPlaying(true)} aria-label={`Play ${event.label} clip`}>
          {/* eslint-disable-next-line @next/next/no-img-element */}
          <img src={event.activityImageAnnotatedUrl ?? event.activityImageUrl ?? ""} alt={`${event.label} at ${formatTime(event.start_time)}`} loading="lazy" className="aspect-video w-full bg-slate-900 object-cover" data-testid="event-snapshot" />
          <span className="absolute inset-0 flex items-center justify-center bg-black/0 transition group-hover:bg-black/30">
            <span className="rounded-full bg-white/90 px-3 py-1 text-sm font-medium opacity-0 group-hover:opacity-100">▶ Play clip</span>
          </span>
        </button>
      )}
      <div className="flex items-center justify-between px-4 py-3">
        <div>
          <p className="font-medium capitalize" data-testid="event-label">{event.label}</p>
          <p className="text-xs text-slate-500">{formatTime(event.start_time)} – {formatTime(event.end_time)} · {describeTracks(event.track_ids)}</p>
        </div>
        <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs">{Math.round(event.confidence * 100)}%</span>
      </div>
    </article>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const styles: Record<string, string> = {
    completed: "bg-emerald-50 text-emerald-700",
    failed: "bg-red-50 text-red-700",
    cancelled: "bg-slate-100 text-slate-600",
    in_progress: "bg-blue-50 text-blue-700",
  };
  return <span className={`rounded-full px-2.5 py-0.5 text-xs font-medium ${styles[status] ?? "bg-amber-50 text-amber-700"}`} data-testid="job-status">{status.replace("_", " ")}</span>;
}

function describeTracks(ids: number[]): string {
  if (ids.length === 0) return "no track";
  if (ids.length <= 4) return `track${ids.length > 1 ? "s" : ""} ${ids.map((id) => `#${id}`).join(", ")}`;
  return `${ids.length} tracks`;
}

function colourOf(label: string): string {
  if (label.includes("phone")) return "bg-fuchsia-500";
  if (label.includes("eating")) return "bg-amber-500";
  if (label.includes("entering")) return "bg-emerald-500";
  if (label.includes("leaving")) return "bg-rose-500";
  if (label === "person") return "bg-brand-500";
  return "bg-slate-500";
}

export function formatTime(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${m}:${s.toFixed(1).padStart(4, "0")}`;
}
