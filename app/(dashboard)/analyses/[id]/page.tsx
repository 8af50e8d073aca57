import Link from "next/link";
import { notFound } from "next/navigation";
import { JobControls } from "@/components/analysis/job-controls";
import { LiveJob } from "@/components/analysis/live-job";
import { findAnalysisJob } from "@/lib/analysis/get-analysis-job";
import { analysisVideoOf } from "@/lib/analysis/list-analyses";
import { analysisGeometry } from "@/lib/analysis/list-detections";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { canChange, listJobLogs } from "@/lib/jobs";
import { jobPayloadSchemas } from "@/lib/jobs/payloads";
import { browserCaller } from "@/app/browser-jobs";

export const metadata = { title: "Analysis · Framewise" };

/** `?t=12.5`: the moment the player opens at (the review queue links to events this way). */
function startAtOf(value: string | string[] | undefined): number | null {
  const seconds = typeof value === "string" ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

export default async function AnalysisPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ t?: string | string[] }> }) {
  const [{ id }, { t }] = await Promise.all([params, searchParams]);
  const user = await currentUser();
  const database = await db();
  const caller = await browserCaller(user);
  const job = await findAnalysisJob(database, caller, id);
  if (!job) notFound();
  // As getOwnedAnalysisJobOrThrow decides for the review endpoint: an anonymous job is nobody's to review but an admin's.
  const canReview = caller.isAdmin || (caller.user !== null && job.ownerId === caller.user.id);
  const mayChange = canChange(caller, job);
  const [logs, video] = await Promise.all([listJobLogs(database, job.id), analysisVideoOf(database, job)]);
  const geometry = analysisGeometry(job);
  // The zones the analysis ran with, drawn on the player and the start of "Edit zones and run again".
  const parsed = jobPayloadSchemas.analyze.safeParse(job.payload);
  const zones = parsed.success ? parsed.data.zones : [];
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-2">
        <div>
          <p className="text-sm text-slate-500"><Link href="/analyses" className="hover:underline">Analyses</Link> / {job.tripId ?? "no label"}</p>
          <h1 className="mt-1 text-2xl font-semibold tracking-tight" data-testid="analysis-title">{video?.filename ?? "Analysis"}</h1>
        </div>
        <p className="break-all font-mono text-xs text-slate-600">{job.id}</p>
      </div>
      <JobControls job={job} mayChange={mayChange} />
      <LiveJob
        initial={{ id: job.id, status: job.status, phase: job.phase, processed: job.processed, total: job.total, currentStep: job.currentStep, errorMessage: job.errorMessage }}
        logs={logs.map((log) => ({ at: log.at.toISOString(), level: log.level, message: log.message }))}
        sourceUrl={video ? `/api/jobs/${job.id}/source` : null}
        canReview={canReview}
        startAt={startAtOf(t)}
        geometry={{ duration: video?.durationSeconds ?? geometry.duration, frameRate: geometry.fps, sampleInterval: geometry.sampleInterval, width: geometry.width, height: geometry.height }}
        zones={zones}
        mayRunAgain={mayChange}
      />
    </div>
  );
}
