import { notFound, redirect } from "next/navigation";
import { JobWait } from "@/components/editor/job-wait";
import { TranscriptEditor } from "@/components/editor/transcript-editor";
import { signInHref } from "@/lib/auth/return-to";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { getTranscriptJobOrThrow } from "@/lib/editor/get-transcript-job";
import { AppError } from "@/lib/errors";
import { callerFor, getJobOrThrow } from "@/lib/jobs";

export const metadata = { title: "Transcript · Framewise" };

/** `?t=12.5`: the moment the player opens at (search hits link to words spoken this way). */
function startAtOf(value: string | string[] | undefined): number {
  const seconds = typeof value === "string" ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : 0;
}

function notFoundOn(error: unknown): never {
  if (error instanceof AppError && error.kind === "not_found") notFound();
  throw error;
}

/**
 * A transcribe job: while it runs, its progress; then its words with its audio and the editor
 * (clip, render, exports). The search's "words spoken" hits open here at the moment the words
 * were said. Signed out, it sends to sign-in and back; a job the user may not see is not found.
 */
export default async function TranscriptPage({ params, searchParams }: { params: Promise<{ job_id: string }>; searchParams: Promise<{ t?: string | string[] }> }) {
  const [{ job_id: jobId }, { t }] = await Promise.all([params, searchParams]);
  const user = await currentUser();
  if (!user) redirect(signInHref(`/transcripts/${jobId}${typeof t === "string" ? `?t=${encodeURIComponent(t)}` : ""}`));
  const database = await db();
  const job = await getJobOrThrow(database, callerFor(user), jobId).catch(notFoundOn);
  if (job.kind !== "transcribe") notFound();
  if (job.status !== "completed") {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight">Transcript</h1>
        <JobWait jobId={jobId} />
      </div>
    );
  }
  const transcript = await getTranscriptJobOrThrow(database, callerFor(user), jobId).catch(notFoundOn);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Transcript</h1>
      <TranscriptEditor
        audio={transcript.audio}
        segments={transcript.segments}
        words={transcript.words}
        startAt={startAtOf(t)}
        language={transcript.language}
        files={transcript.files}
        source={transcript.source}
      />
    </div>
  );
}
