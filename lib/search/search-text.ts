import { and, eq, sql } from "drizzle-orm";
import { selectRows, type Db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { containsPattern } from "@/lib/db/like";
import { listableJobs, type Caller } from "@/lib/jobs";
import { analysisHref, MARK_END, MARK_START, type SearchHit } from "./hits";

/**
 * Text seen on screen: the lines OCR read in the caller's analyses (analysis_frames.extras.ocr,
 * written when a job ran the `ocr` task). Lines are short and often misread, so this matches
 * a substring, case-insensitively, rather than whole words. One hit per job and line of text:
 * its first sighting, where the player should open.
 */
export async function searchText(db: Db, caller: Caller, words: string, limit = 50): Promise<SearchHit[]> {
  const scope = listableJobs(caller);
  const wanted = words.trim();
  if (scope === null || !wanted) return [];
  const rows = await selectRows<{ job_id: string; text: string; time: number; confidence: number | null; filename: string | null }>(
    db,
    sql`select distinct on (f.job_id, line->>'text') f.job_id, line->>'text' as text, f.timestamp as time,
               (line->>'confidence')::real as confidence, v.filename
        from analysis_frames f
        join jobs on jobs.id = f.job_id
        left join videos v on v.id = jobs.video_id
        cross join lateral jsonb_array_elements(case when jsonb_typeof(f.extras->'ocr') = 'array' then f.extras->'ocr' else '[]'::jsonb end) as line
        where ${and(eq(jobs.kind, "analyze"), scope)} and line->>'text' ilike ${containsPattern(wanted)}
        order by f.job_id, line->>'text', f.timestamp
        limit ${limit}`,
  );
  return rows.map((row) => {
    const time = Number(row.time);
    return {
      source: "text",
      jobId: row.job_id,
      time,
      match: markSubstring(row.text, wanted),
      title: row.filename ?? row.job_id,
      thumbnail: `/api/jobs/${row.job_id}/thumbnails/${Math.floor(time)}`,
      href: analysisHref(row.job_id, time),
      score: row.confidence === null ? 0 : Number(row.confidence),
    };
  });
}

/** The line with the first case-insensitive occurrence of `wanted` marked. */
function markSubstring(text: string, wanted: string): string {
  const at = text.toLowerCase().indexOf(wanted.toLowerCase());
  if (at < 0) return text;
  return `${text.slice(0, at)}${MARK_START}${text.slice(at, at + wanted.length)}${MARK_END}${text.slice(at + wanted.length)}`;
}
