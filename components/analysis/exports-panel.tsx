"use client";

import { useCallback, useEffect, useState } from "react";

type AnnotateJob = { job_id: string; status: string; processed: number; total: number; percent: number; error: string | null; video_url: string | null };

const running = new Set(["pending", "queued", "in_progress"]);

/**
 * Downloads of the whole analysis: the events as JSON or CSV, and the video with its boxes
 * burned in, made on request by an `annotate` job whose progress is shown until it is ready.
 */
export function ExportsPanel({ jobId }: { jobId: string }) {
  const [annotate, setAnnotate] = useState<AnnotateJob | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const response = await fetch(`/api/jobs/${jobId}/annotated`).catch(() => null);
    if (response?.ok) setAnnotate((await response.json()).annotate);
  }, [jobId]);

  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- refresh sets state once its fetch answers, not synchronously; the rule cannot see past the await
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (!annotate || !running.has(annotate.status)) return;
    const timer = setInterval(() => void refresh(), 1000);
    return () => clearInterval(timer);
  }, [annotate, refresh]);

  const start = async () => {
    setProblem(null);
    const response = await fetch(`/api/jobs/${jobId}/annotated`, { method: "POST" }).catch(() => null);
    if (!response) return setProblem("The server could not be reached.");
    const body = await response.json().catch(() => ({}));
    if (!response.ok) return setProblem(body.detail ?? `Failed (${response.status})`);
    setAnnotate(body.annotate);
  };

  const busy = annotate !== null && running.has(annotate.status);
  return (
    <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6" aria-labelledby="exports-title" data-testid="exports">
      <h2 id="exports-title" className="font-medium">Export</h2>
      <div className="mt-3 flex flex-wrap gap-2 text-sm">
        <a href={`/api/jobs/${jobId}/export?format=json`} download className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50" data-testid="export-json">
          Events (JSON)
        </a>
        <a href={`/api/jobs/${jobId}/export?format=csv`} download className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50" data-testid="export-csv">
          Events (CSV)
        </a>
        <button type="button" onClick={start} disabled={busy} className="rounded-md bg-slate-900 px-3 py-1.5 font-medium text-white hover:bg-slate-800 disabled:opacity-60" data-testid="annotate-start">
          {annotate?.status === "completed" ? "Make the annotated video again" : "Make annotated video"}
        </button>
      </div>
      <p className="mt-2 text-xs text-slate-600">Each event&apos;s clip and snapshots download from its card below.</p>
      {problem && <p className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" role="alert">{problem}</p>}
      {annotate && (
        <div className="mt-4" data-testid="annotate-job" data-status={annotate.status}>
          {busy && (
            <>
              <p className="text-sm text-slate-700">Drawing boxes on every frame… {annotate.percent}%</p>
              <div className="mt-1 h-2 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label="Annotated video" aria-valuenow={annotate.percent} aria-valuemin={0} aria-valuemax={100}>
                <div className="h-full rounded-full bg-brand-600 transition-[width]" style={{ width: `${annotate.percent}%` }} />
              </div>
            </>
          )}
          {annotate.status === "completed" && annotate.video_url && (
            <a href={annotate.video_url} download className="text-sm font-medium text-brand-700 hover:underline" data-testid="annotate-download">
              Download the annotated video (MP4)
            </a>
          )}
          {(annotate.status === "failed" || annotate.status === "cancelled") && <p className="text-sm text-red-700">The annotated video was not made: {annotate.error ?? annotate.status}</p>}
        </div>
      )}
    </section>
  );
}
