"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { jobWords, useEditorJob } from "./editor-job";

/** A transcript being made: its progress in words; the page reloads itself when it is ready. */
export function JobWait({ jobId }: { jobId: string }) {
  const router = useRouter();
  const job = useEditorJob(jobId);
  useEffect(() => {
    if (job?.status === "completed") router.refresh();
  }, [job?.status, router]);
  const percent = Math.round((job?.result_payload?.progress ?? 0) * 100);
  return (
    <div className="max-w-xl space-y-2" role="status" data-testid="job-wait">
      <p className="text-sm text-slate-700">{job?.status === "completed" ? "Ready: opening…" : jobWords(job)}</p>
      <div className="h-2 overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label="Progress" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
        <div className="h-full rounded-full bg-brand-600 transition-[width]" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
