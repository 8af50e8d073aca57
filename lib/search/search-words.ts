import { and, eq, sql } from "drizzle-orm";
import { selectRows, type Db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { listableJobs, type Caller } from "@/lib/jobs";
import { MARK_END, MARK_START, type SearchHit } from "./hits";

/**
 * The text search configuration of transcripts. English stemming ("running" finds "run"), as
 * the recognisers default to English; it must be the one jobs_transcript_search_idx was built
 * with (lib/db/schema/jobs.ts) or PostgreSQL cannot use the index.
 */
export const TRANSCRIPT_SEARCH_CONFIG = "english";

/** ts_headline's options: our marks around matched words, a fragment of a long segment. */
const HEADLINE_OPTIONS = `StartSel="${MARK_START}", StopSel="${MARK_END}", MaxWords=30, MinWords=12`;

/** The player of a transcribe job at a moment (app/(dashboard)/transcripts/[job_id] reads `?t=`). */
export function transcriptHref(jobId: string, time: number): string {
  return `/transcripts/${jobId}?t=${Math.max(0, Math.round(time * 10) / 10)}`;
}

/**
 * Words spoken: PostgreSQL full-text search over the transcripts of the caller's completed
 * transcribe jobs (result_payload.transcript, lib/speech/transcript.ts). The whole transcript's
 * text picks the jobs (through the GIN index), then each segment is matched on its own so a
 * hit has a start time and a headline with the matched words marked. `words` is read as a web
 * search is (websearch_to_tsquery: quoted phrases, `or`, `-word`), so no input is a syntax error.
 * Best ranked first.
 */
export async function searchWords(db: Db, caller: Caller, words: string, limit = 50): Promise<SearchHit[]> {
  const scope = listableJobs(caller);
  if (scope === null || !words.trim()) return [];
  const config = sql.raw(`'${TRANSCRIPT_SEARCH_CONFIG}'::regconfig`);
  // A transcribe job names its video in its payload (video_name); only ingested ones have a videos row.
  const rows = await selectRows<{ job_id: string; filename: string | null; time: number; headline: string; rank: number }>(
    db,
    sql`select jobs.id as job_id, coalesce(v.filename, jobs.payload->>'video_name') as filename, (segment->>'start')::real as time,
               ts_headline(${config}, segment->>'text', query, ${HEADLINE_OPTIONS}) as headline,
               ts_rank(to_tsvector(${config}, segment->>'text'), query) as rank
        from jobs
        left join videos v on v.id = jobs.video_id
        cross join websearch_to_tsquery(${config}, ${words}) as query
        cross join lateral jsonb_array_elements(case when jsonb_typeof(jobs.result_payload->'transcript'->'segments') = 'array'
                                                     then jobs.result_payload->'transcript'->'segments' else '[]'::jsonb end) as segment
        where ${and(eq(jobs.kind, "transcribe"), eq(jobs.status, "completed"), scope)}
          and to_tsvector(${config}, coalesce(jobs.result_payload->'transcript'->>'text', '')) @@ query
          and to_tsvector(${config}, segment->>'text') @@ query
        order by rank desc, jobs.id, time
        limit ${limit}`,
  );
  return rows.map((row) => {
    const time = Number(row.time);
    return {
      source: "words",
      jobId: row.job_id,
      time,
      match: row.headline,
      title: row.filename ?? row.job_id,
      // A transcribe job keeps its audio, not pictures: the page shows that it is speech.
      thumbnail: null,
      href: transcriptHref(row.job_id, time),
      score: Number(row.rank),
    };
  });
}
