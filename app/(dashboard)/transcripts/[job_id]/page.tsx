import { notFound, redirect } from "next/navigation";
import { TranscriptPlayer } from "@/components/search/transcript-player";
import { signInHref } from "@/lib/auth/return-to";
import { currentUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { getTranscriptJobOrThrow } from "@/lib/editor/get-transcript-job";
import { AppError } from "@/lib/errors";
import { callerFor } from "@/lib/jobs";

export const metadata = { title: "Transcript · Framewise" };

/** `?t=12.5`: the moment the player opens at (search hits link to words spoken this way). */
function startAtOf(value: string | string[] | undefined): number {
  const seconds = typeof value === "string" ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : 0;
}

/**
 * A transcribe job's words with its audio: the search's "words spoken" hits open here at the
 * moment the words were said. Signed out, it sends to sign-in and back; a job the user may not
 * see is not found.
 */
export default async function TranscriptPage({ params, searchParams }: { params: Promise<{ job_id: string }>; searchParams: Promise<{ t?: string | string[] }> }) {
  const [{ job_id: jobId }, { t }] = await Promise.all([params, searchParams]);
  const user = await currentUser();
  if (!user) redirect(signInHref(`/transcripts/${jobId}${typeof t === "string" ? `?t=${encodeURIComponent(t)}` : ""}`));
  const transcript = await getTranscriptJobOrThrow(await db(), callerFor(user), jobId).catch((error: unknown) => {
    if (error instanceof AppError && error.kind === "not_found") notFound();
    throw error;
  });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Transcript</h1>
      <TranscriptPlayer audio={transcript.audio} segments={transcript.segments} startAt={startAtOf(t)} language={transcript.language} />
    </div>
  );
}
