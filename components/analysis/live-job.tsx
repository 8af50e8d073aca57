"use client";

import { useCallback, useEffect, useState } from "react";
import { explainFailure } from "@/lib/analysis/viewer/explain-failure";
import { progressPercent } from "@/lib/analysis/viewer/progress";
import { AnalysisViewer, type VideoGeometry } from "./analysis-viewer";
import type { Zone } from "@/lib/analysis/zone-geometry";
import type { ViewerEvent } from "./types";

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
const terminal = new Set(["completed", "failed", "cancelled"]);

/** Events fetched per request while the page loads them all. */
const EVENT_PAGE = 200;

/**
 * A job as it runs: progress, phase and log pushed over `/ws/jobs/{id}` (polling the progress
 * endpoint if the socket cannot open) until it ends, when the live connection is closed; a
 * failure is explained in plain words; a finished job opens in the viewer (analysis-viewer.tsx).
 */
export function LiveJob({ initial, logs: initialLogs, sourceUrl, geometry, canReview, startAt, zones = [], mayRunAgain }: {
  initial: JobView;
  logs: LogLine[];
  sourceUrl: string | null;
  geometry: VideoGeometry;
  /** The signed-in user owns the job or is an admin: they may confirm and reject its events. */
  canReview: boolean;
  /** Seconds to open the player at (?t= on the page), or null. */
  startAt: number | null;
  /** The zones the analysis ran with. */
  zones?: Zone[];
  /** This browser or account may run the analysis again (lib/jobs/caller.ts canChange): with other zones, too. */
  mayRunAgain: boolean;
}) {
  const [job, setJob] = useState(initial);
  const [logs, setLogs] = useState(initialLogs);
  const [events, setEvents] = useState<ViewerEvent[] | null>(null);
  const [live, setLive] = useState<"socket" | "polling" | "idle">("idle");
  const ended = terminal.has(job.status);

  // Open while the job runs; the effect's cleanup closes the socket (or stops polling) the
  // moment the job reaches a final status (and the live marker is hidden then).
  useEffect(() => {
    if (ended) return;
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
      socket.onerror = null;
      socket.close();
      if (poller) clearInterval(poller);
    };
  }, [initial.id, ended]);

  const loadEvents = useCallback(async () => {
    const all: ViewerEvent[] = [];
    for (let page = 1; ; page++) {
      // The rejected too: the gallery shows them marked, so that a verdict can be undone.
      const response = await fetch(`/api/jobs/${initial.id}/results?page=${page}&page_size=${EVENT_PAGE}&include_rejected=1`);
      if (!response.ok) break;
      const body = await response.json();
      all.push(...body.events);
      if (page >= body.total_pages) break;
    }
    setEvents(all);
  }, [initial.id]);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- loadEvents sets state once its fetches answer, not synchronously; the rule cannot see past the await
    if (job.status === "completed") void loadEvents();
  }, [job.status, loadEvents]);

  // Over every phase: 100% only once the job has completed (lib/analysis/viewer/progress.ts).
  const percent = progressPercent(job);
  return (
    <div className="space-y-8">
      <section className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <div className="flex items-center justify-between">
          <div className="flex items-center gap-3">
            <StatusBadge status={job.status} />
            <span className="text-sm text-slate-600" data-testid="job-phase">{job.currentStep ?? job.phase ?? "Waiting to start"}</span>
          </div>
          {!ended && live !== "idle" && (
            <span className="flex items-center gap-1.5 text-xs text-slate-600" data-testid="live-marker">
              <span className="h-2 w-2 animate-pulse rounded-full bg-emerald-500" aria-hidden="true" />
              {live === "socket" ? "live" : "polling"}
            </span>
          )}
        </div>
        <div className="mt-4 flex items-center gap-4">
          <div className="h-3 flex-1 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label="Analysis progress" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
            <div className={`h-full rounded-full transition-[width] duration-500 ${job.status === "failed" ? "bg-red-500" : "bg-brand-600"}`} style={{ width: `${percent}%` }} />
          </div>
          <span className="w-24 text-right font-mono text-sm" data-testid="job-percent">{percent}%</span>
        </div>
        <p className="mt-1 text-xs text-slate-500">{job.processed} / {job.total} frames</p>
        {job.status === "failed" || job.status === "cancelled" ? <FailureNote status={job.status} message={job.errorMessage} /> : null}
        <details className="mt-4" open={!terminal.has(job.status)}>
          <summary className="cursor-pointer text-sm font-medium text-slate-700">Log ({logs.length})</summary>
          <ol className="mt-2 max-h-56 overflow-y-auto rounded-md bg-slate-950 p-3 font-mono text-xs text-slate-200" data-testid="job-log">
            {logs.map((line, i) => (
              <li key={i} className={line.level === "error" ? "text-red-300" : line.level === "warn" ? "text-amber-300" : ""}>
                <span className="text-slate-400">{line.at.slice(11, 19)}</span> {line.message}
              </li>
            ))}
          </ol>
        </details>
      </section>

      {job.status === "completed" && sourceUrl ? (
        events === null ? (
          <p className="text-sm text-slate-600">Loading events…</p>
        ) : (
          <AnalysisViewer
            jobId={job.id}
            sourceUrl={sourceUrl}
            events={events}
            geometry={geometry}
            canReview={canReview}
            startAt={startAt}
            onReviewed={(eventId, review) => setEvents((current) => current && current.map((event) => (event.id === eventId ? { ...event, review } : event)))}
            zones={zones}
            mayRunAgain={mayRunAgain}
          />
        )
      ) : sourceUrl ? (
        <SourcePreview sourceUrl={sourceUrl} copyReady={logs.some((line) => line.message.startsWith(PROXY_LOG))} />
      ) : null}
    </div>
  );
}

/** The log line of the analysis's proxy step (inngest/functions/analyze-video.ts). */
const PROXY_LOG = "Made a web-playable copy of the video";

/**
 * The video while it is analysed. The source route serves the original until the job's
 * web-playable copy exists, and a browser cannot play every original (an AVI is a black player
 * with a demuxer error): then the page says a playable copy is being made, and shows the copy as
 * soon as the log says it is ready, without waiting for the analysis to end.
 */
function SourcePreview({ sourceUrl, copyReady }: { sourceUrl: string; copyReady: boolean }) {
  // The query only makes the element fetch again once the copy exists; the route ignores it.
  const src = copyReady ? `${sourceUrl}?copy=ready` : sourceUrl;
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  const failed = failedSrc === src;
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6">
      <h2 className="font-medium">Source video</h2>
      {failed && (
        <p role="status" className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="source-unplayable">
          {copyReady
            ? "The browser cannot play this video, not even its playable copy. The analysis goes on; its snapshots and clips will play."
            : "This browser cannot play the video as uploaded (its format or codec). A playable copy is being made while the analysis runs, and shows here when it is ready."}
        </p>
      )}
      <video key={src} src={src} controls preload="metadata" onError={() => setFailedSrc(src)} className={`mt-3 w-full rounded-lg bg-black ${failed ? "hidden" : ""}`} data-testid="source-video" />
    </section>
  );
}

/** Why the job stopped, in plain words, with the stored message for whoever reports it. */
function FailureNote({ status, message }: { status: string; message: string | null }) {
  const explained = explainFailure(status === "cancelled" ? (message ?? "cancelled") : message);
  return (
    <div className="mt-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" role="alert" data-testid="job-failure">
      <p className="font-medium" data-testid="job-failure-title">{explained.title}</p>
      <p className="mt-0.5">{explained.advice}</p>
      {message && (
        <p className="mt-1 font-mono text-xs text-red-700" data-testid="job-error">
          {message}
        </p>
      )}
    </div>
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

