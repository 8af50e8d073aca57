import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getJobOrThrow, type Caller } from "@/lib/jobs";
import type { TranscriptSegment } from "@/lib/speech/transcript";

/**
 * A completed transcribe job the caller may see, with what its page shows: the segments of its
 * transcript (result_payload.transcript) and its audio file. Any other job is "not found",
 * as a job the caller may not see is.
 */
export async function getTranscriptJobOrThrow(db: Db, caller: Caller, jobId: string): Promise<{ id: string; language: string; segments: TranscriptSegment[]; audio: string }> {
  const job = await getJobOrThrow(db, caller, jobId);
  const transcript = job.resultPayload?.transcript as { language?: unknown; segments?: unknown } | undefined;
  if (job.kind !== "transcribe" || job.status !== "completed" || !transcript || !Array.isArray(transcript.segments)) {
    throw new AppError("not_found", `Transcript ${jobId} not found`);
  }
  const segments = (transcript.segments as TranscriptSegment[]).filter((s) => typeof s.text === "string" && Number.isFinite(s.start) && Number.isFinite(s.end));
  return { id: job.id, language: typeof transcript.language === "string" ? transcript.language : "en", segments, audio: `/jobs/${job.id}/files/audio.wav` };
}
