"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";
import { cancelJobAction, deleteJobAction, rerunJobAction, type JobActionResult } from "@/app/job-actions";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { optionsFromForm, type OptionsForm } from "@/lib/analysis/options-form";
import type { EventRules } from "@/lib/analysis/events/detect-events";
import { remainingForJob } from "@/lib/analysis/viewer/progress";
import { AnalysisOptionsFields } from "./analysis-options";

export type JobControlsProps = {
  jobId: string;
  kind: string;
  status: string;
  processed: number;
  total: number;
  /** The job's current phase ("detect", "media", ...): the estimate covers the phases after detection. */
  phase: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** The analysis options the job ran with (analyze jobs); other kinds re-run unchanged. */
  options: OptionsForm | null;
  classVisible?: EventRules["classVisible"];
  /** Whether this caller may cancel, re-run and delete the job (lib/jobs/caller.ts `canChange`). */
  mayChange: boolean;
  /** Where a re-run job is shown, `{id}` standing for its id, and where to go after a delete. */
  jobHref: string;
  afterDelete: string;
};

const running = new Set(["pending", "queued", "in_progress"]);

/**
 * Cancel while it runs, run again (with changed options for an analysis), delete with its
 * files, and how long it has taken and has left. The remaining time is the elapsed time scaled
 * by the share of the whole job still to do (lib/analysis/viewer/progress.ts, every phase), so
 * it does not stop at "estimating…" once the frames are all detected.
 */
export function JobControlsPanel(props: JobControlsProps) {
  const router = useRouter();
  const [job, setJob] = useState({ status: props.status, phase: props.phase, processed: props.processed, total: props.total, startedAt: props.startedAt, completedAt: props.completedAt });
  // Null until mounted: the server's clock and the browser's differ by the time the page took to
  // arrive, and an elapsed time computed from each would not hydrate (React's error #418).
  const [now, setNow] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rerunOpen, setRerunOpen] = useState(false);
  const [options, setOptions] = useState<OptionsForm | null>(props.options);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [pending, startTransition] = useTransition();
  const isRunning = running.has(job.status);

  useEffect(() => {
    if (!running.has(props.status)) return;
    const socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/jobs/${props.jobId}`);
    socket.onmessage = (message) => {
      const data = JSON.parse(message.data);
      if (data.type === "job") {
        const next = data.job;
        setJob((current) => ({ ...current, status: next.status, phase: next.phase ?? current.phase, processed: next.processed, total: next.total, startedAt: next.startedAt ?? current.startedAt, completedAt: next.completedAt ?? current.completedAt }));
      }
    };
    return () => socket.close();
  }, [props.jobId, props.status]);

  useEffect(() => {
    if (!isRunning) return;
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [isRunning]);

  function act(action: () => Promise<JobActionResult>, then: (result: Extract<JobActionResult, { ok: true }>) => void) {
    setError(null);
    startTransition(async () => {
      const result = await action();
      if (!result.ok) setError(result.error);
      else then(result);
    });
  }

  const start = Date.parse(job.startedAt ?? props.createdAt);
  const end = job.completedAt ? Date.parse(job.completedAt) : isRunning ? now : start;
  const elapsed = end === null ? null : Math.max(0, (end - start) / 1000);
  const remaining = isRunning && job.startedAt && elapsed !== null ? remainingForJob(job, elapsed) : null;

  return (
    <section className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6" aria-label="Job controls" data-testid="job-controls">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <dl className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
          <div className="flex gap-2">
            <dt className="text-slate-500">Status</dt>
            <dd className="font-medium" data-testid="controls-status">{job.status.replace("_", " ")}</dd>
          </div>
          <div className="flex gap-2">
            <dt className="text-slate-500">Elapsed</dt>
            <dd className="font-mono" data-testid="job-elapsed">{!(job.startedAt || job.completedAt) ? "not started" : elapsed === null ? "…" : formatDuration(elapsed)}</dd>
          </div>
          {isRunning && (
            <div className="flex gap-2">
              <dt className="text-slate-500">Remaining</dt>
              <dd className="font-mono" data-testid="job-remaining">{remaining === null ? "estimating…" : `about ${formatDuration(remaining)}`}</dd>
            </div>
          )}
        </dl>
        {props.mayChange ? (
          <div className="flex flex-wrap gap-2">
            {isRunning && (
              <button type="button" disabled={pending} onClick={() => act(() => cancelJobAction(props.jobId), (result) => setJob((current) => ({ ...current, status: result.status ?? "cancelled" })))} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-60">
                Cancel job
              </button>
            )}
            {!isRunning && (
              <button type="button" aria-expanded={rerunOpen} aria-controls="rerun-form" onClick={() => setRerunOpen((open) => !open)} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium hover:bg-slate-50">
                Run again…
              </button>
            )}
            <button type="button" disabled={pending} onClick={() => setConfirmDelete(true)} className="rounded-md border border-red-300 px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-60">
              Delete
            </button>
          </div>
        ) : (
          <p className="text-sm text-slate-600" data-testid="controls-not-yours">
            Started in another browser: only that browser can run it again or delete it.
          </p>
        )}
      </div>
      {props.mayChange && rerunOpen && !isRunning && (
        <form
          id="rerun-form"
          className="mt-4 space-y-4 border-t border-slate-100 pt-4"
          onSubmit={(event) => {
            event.preventDefault();
            const changes = options ? optionsFromForm(options, { classVisible: props.classVisible }) : {};
            act(() => rerunJobAction(props.jobId, changes), (result) => router.push(props.jobHref.replace("{id}", result.jobId)));
          }}
        >
          {options ? <AnalysisOptionsFields value={options} onChange={setOptions} idPrefix="rerun" /> : <p className="text-sm text-slate-600">The job runs again with the same payload.</p>}
          <button type="submit" disabled={pending} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60">
            {pending ? "Starting…" : "Start the new run"}
          </button>
        </form>
      )}
      {error && <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700" data-testid="controls-error">{error}</p>}
      <ConfirmDialog
        open={confirmDelete}
        title="Delete this job?"
        confirmLabel="Delete job and files"
        busy={pending}
        onClose={() => setConfirmDelete(false)}
        onConfirm={() =>
          act(
            () => deleteJobAction(props.jobId),
            () => {
              setConfirmDelete(false);
              router.push(props.afterDelete);
            },
          )
        }
      >
        {isRunning ? "It is still running: it is cancelled first. " : ""}Its results, log and files (snapshots, clips, outputs, and an uploaded video no other job uses) are removed for good.
      </ConfirmDialog>
    </section>
  );
}

function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h ? `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}` : `${m}:${String(s).padStart(2, "0")}`;
}
