"use client";

import { usePolled } from "@/components/use-polled";
import { FeatureReview, type Focus } from "./feature-review";
import { phaseWords, type Status } from "./review-types";

/**
 * A feature-extraction job for its owner: its progress in words while it runs (polling
 * GET /status/{job_id}, the contract has no push), then its review with the search by picture.
 */
export function FeatureJob({ jobId, focus }: { jobId: string; focus: Focus | null }) {
  const { value: status, error } = usePolled<Status>(`/status/${jobId}`, ({ phase }) => phase === "completed" || phase === "failed");

  if (status?.phase === "completed" || status?.phase === "failed") return <FeatureReview jobId={jobId} focus={focus} />;
  return (
    <div className="space-y-3">
      <h1 className="text-2xl font-semibold tracking-tight">Feature extraction</h1>
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">{error}</p>
      ) : (
        <div className="max-w-xl space-y-2" role="status" data-testid="feature-progress">
          <p className="text-sm text-slate-700">{status ? `${phaseWords[status.phase] ?? status.phase}… ${Math.round(status.percent)}%` : "Loading…"}</p>
          <div className="h-2 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label="Progress" aria-valuenow={Math.round(status?.percent ?? 0)} aria-valuemin={0} aria-valuemax={100}>
            <div className="h-full rounded-full bg-brand-600 transition-[width]" style={{ width: `${status?.percent ?? 0}%` }} />
          </div>
        </div>
      )}
    </div>
  );
}
