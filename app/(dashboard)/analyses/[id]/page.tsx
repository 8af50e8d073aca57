import Link from "next/link";
import { notFound } from "next/navigation";
import { JobControls } from "@/components/analysis/job-controls";
import { LiveJob } from "@/components/analysis/live-job";
import { findAnalysisJob } from "@/lib/analysis/get-analysis-job";
import { analysisVideoOf } from "@/lib/analysis/list-analyses";
import { analysisGeometry } from "@/lib/analysis/list-detections";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { callerFor, listJobLogs } from "@/lib/jobs";
import { jobPayloadSchemas } from "@/lib/jobs/payloads";

export const metadata = { title: "Analysis · Framewise" };

export default async function AnalysisPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await currentUser();
  const database = await db();
  const job = await findAnalysisJob(database, callerFor(user), id);
  if (!job) notFound();
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
      <JobControls job={job} />
      <LiveJob
        initial={{ id: job.id, status: job.status, phase: job.phase, processed: job.processed, total: job.total, currentStep: job.currentStep, errorMessage: job.errorMessage }}
        logs={logs.map((log) => ({ at: log.at.toISOString(), level: log.level, message: log.message }))}
        sourceUrl={video ? `/api/jobs/${job.id}/source` : null}
        geometry={{ duration: video?.durationSeconds ?? geometry.duration, frameRate: geometry.fps, sampleInterval: geometry.sampleInterval, width: geometry.width, height: geometry.height }}
        zones={zones}
      />
    </div>
  );
}
