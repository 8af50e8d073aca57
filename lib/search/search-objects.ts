import { and, desc, eq, ilike, or, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { events, jobs, videos } from "@/lib/db/schema";
import { containsPattern } from "@/lib/db/like";
import { listableJobs, type Caller } from "@/lib/jobs";
import { analysisHref, MARK_END, MARK_START, type SearchHit } from "./hits";

/**
 * Objects by class: the events of the caller's analyses whose class (or zone) contains the
 * words ("dog" finds "dog" and "hot dog"), most confident first. Events, not raw detections:
 * an event is the moment a person would open, and it has a snapshot to show. Events a reviewer
 * rejected as false positives are left out, as the viewer leaves them out.
 */
export async function searchObjects(db: Db, caller: Caller, words: string, limit = 50): Promise<SearchHit[]> {
  const scope = listableJobs(caller);
  const wanted = words.trim();
  if (scope === null || !wanted) return [];
  const rows = await db
    .select({
      jobId: events.jobId,
      label: events.label,
      zone: events.zone,
      time: events.bestTimestamp,
      confidence: events.confidence,
      snapshot: sql<string | null>`coalesce(${events.snapshotAnnotated}, ${events.snapshot})`,
      filename: videos.filename,
    })
    .from(events)
    .innerJoin(jobs, eq(jobs.id, events.jobId))
    .leftJoin(videos, eq(videos.id, jobs.videoId))
    .where(
      and(
        eq(jobs.kind, "analyze"),
        scope,
        sql`${events.reviewVerdict} is distinct from 'false_positive'`,
        or(ilike(events.label, containsPattern(wanted)), ilike(events.zone, containsPattern(wanted))),
      ),
    )
    .orderBy(desc(events.confidence), events.jobId, events.bestTimestamp)
    .limit(limit);
  return rows.map((row) => ({
    source: "objects",
    jobId: row.jobId,
    time: row.time,
    match: `${MARK_START}${row.label}${MARK_END}${row.zone ? ` in ${row.zone}` : ""}`,
    title: row.filename ?? row.jobId,
    thumbnail: row.snapshot ? `/api/jobs/${row.jobId}/media/${encodeURIComponent(row.snapshot)}` : `/api/jobs/${row.jobId}/thumbnails/${Math.floor(row.time)}`,
    href: analysisHref(row.jobId, row.time),
    score: row.confidence,
  }));
}
