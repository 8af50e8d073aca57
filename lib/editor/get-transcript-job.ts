import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { getJobOrThrow, type Caller } from "@/lib/jobs";
import type { TranscriptSegment, TranscriptWord } from "@/lib/speech/transcript";

/** The video a transcript was made from, as editor jobs name it (their payload's source). */
export type EditorSourceRef = { source_asset_id: string } | { video_name: string };

/**
 * A completed transcribe job the caller may see, with what its page shows: the segments of its
 * transcript (result_payload.transcript) and its audio file. Any other job is "not found",
 * as a job the caller may not see is.
 */
export async function getTranscriptJobOrThrow(
  db: Db,
  caller: Caller,
  jobId: string,
): Promise<{ id: string; language: string; segments: TranscriptSegment[]; words: TranscriptWord[]; audio: string; files: Record<string, string>; source: EditorSourceRef | null }> {
  const job = await getJobOrThrow(db, caller, jobId);
  const transcript = job.resultPayload?.transcript as { language?: unknown; segments?: unknown } | undefined;
  if (job.kind !== "transcribe" || job.status !== "completed" || !transcript || !Array.isArray(transcript.segments)) {
    throw new AppError("not_found", `Transcript ${jobId} not found`);
  }
  const segments = (transcript.segments as TranscriptSegment[]).filter((s) => typeof s.text === "string" && Number.isFinite(s.start) && Number.isFinite(s.end));
  const words = (Array.isArray((transcript as { words?: unknown }).words) ? ((transcript as { words: TranscriptWord[] }).words) : []).filter(
    (w) => typeof w.word === "string" && Number.isFinite(w.start) && Number.isFinite(w.end),
  );
  const files = (job.resultPayload?.files ?? {}) as Record<string, string>;
  const payload = job.payload as { source_asset_id?: unknown; video_name?: unknown };
  const source = typeof payload.source_asset_id === "string" ? { source_asset_id: payload.source_asset_id } : typeof payload.video_name === "string" ? { video_name: payload.video_name } : null;
  return { id: job.id, language: typeof transcript.language === "string" ? transcript.language : "en", segments, words, audio: `/jobs/${job.id}/files/audio.wav`, files, source };
}
