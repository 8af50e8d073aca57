"use client";

import { usePolled } from "@/components/use-polled";

/** GET /jobs/{job_id} (contracts/editor-jobs.md) as the browser reads it. */
export type EditorJob = {
  id: string;
  job_type: string;
  status: string;
  result_payload: { progress?: number; files?: Record<string, string>; log?: { message: string }[] } | null;
  error_message: string | null;
};

const finished = ["completed", "failed", "cancelled"];

/** A job's status in words, with its progress where it has one. */
export function jobWords(job: EditorJob | null): string {
  if (!job) return "Loading…";
  const percent = Math.round((job.result_payload?.progress ?? 0) * 100);
  if (job.status === "completed") return "Ready";
  if (job.status === "failed") return `It did not work: ${job.error_message ?? "the job failed"}`;
  if (job.status === "cancelled") return "Cancelled";
  if (job.status === "in_progress") return `Working… ${percent}%`;
  return "Waiting for its turn…";
}

/** Follows an editor job (the contract has no push: it is polled) until it finishes. */
export function useEditorJob(jobId: string): EditorJob | null {
  return usePolled<EditorJob>(`/jobs/${jobId}`, (job) => finished.includes(job.status), 1500).value;
}

/** Starts an editor job (POST /jobs/?job_type=...) and answers its id, or an error in words. */
export async function startEditorJob(kind: string, payload: Record<string, unknown>): Promise<{ id: string } | { error: string }> {
  const response = await fetch(`/jobs/?job_type=${kind}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) }).catch(() => null);
  if (!response) return { error: "The server could not be reached: check the network and try again" };
  const body = (await response.json().catch(() => ({}))) as { id?: string; detail?: string };
  if (response.status === 202 && body.id) return { id: body.id };
  if (response.status === 429) return { error: "Too much started for now: wait a while and try again" };
  return { error: body.detail && response.status < 500 ? body.detail : "The server could not start it: try again in a moment" };
}
