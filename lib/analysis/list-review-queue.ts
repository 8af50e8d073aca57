import { and, asc, count, desc, eq, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { events, jobs, videos, type ReviewVerdict } from "@/lib/db/schema";
import { listableJobs, type Caller } from "@/lib/jobs";

/** Which events the review queue shows: every one, or only those with one state of review. */
export const reviewQueueFilters = ["all", "unreviewed", "confirmed", "rejected"] as const;
export type ReviewQueueFilter = (typeof reviewQueueFilters)[number];

export type ReviewQueueQuery = {
  show?: ReviewQueueFilter;
  /** Only events of this label (the rule's label, as stored: "person", "zone_entered", ...). */
  label?: string | null;
  limit?: number;
  offset?: number;
};

export type ReviewQueueItem = {
  id: string;
  jobId: string;
  label: string;
  startTime: number;
  endTime: number;
  confidence: number;
  verdict: ReviewVerdict | null;
  /** The annotated snapshot's file name in the job's media folder (the plain one if none). */
  snapshot: string | null;
  /** The analysed video's file name, the analysis's name in the browser. */
  filename: string | null;
  tripId: string | null;
  analysedAt: Date;
};

const verdictCondition: Record<ReviewQueueFilter, SQL | undefined> = {
  all: undefined,
  unreviewed: isNull(events.reviewVerdict),
  confirmed: eq(events.reviewVerdict, "confirmed"),
  rejected: eq(events.reviewVerdict, "false_positive"),
};

/**
 * The events of every analysis the caller may list (their own; everyone's, anonymous ones
 * included, for an admin; nothing for an anonymous caller: canSee lets anyone reach an
 * anonymous job by its id, but nobody lists it but admins). Unreviewed events come first, then
 * the newest analysis first and, within one analysis, the video's order, so that reviewing from
 * the top walks each video forward.
 */
export async function listReviewQueue(db: Db, caller: Caller, query: ReviewQueueQuery = {}): Promise<{ total: number; items: ReviewQueueItem[] }> {
  const scope = listableJobs(caller);
  if (scope === null) return { total: 0, items: [] };
  const where = and(eq(jobs.kind, "analyze"), scope, verdictCondition[query.show ?? "all"], query.label ? eq(events.label, query.label) : undefined);
  const [[{ total }], items] = await Promise.all([
    db.select({ total: count() }).from(events).innerJoin(jobs, eq(jobs.id, events.jobId)).where(where),
    db
      .select({
        id: events.id,
        jobId: events.jobId,
        label: events.label,
        startTime: events.startTime,
        endTime: events.endTime,
        confidence: events.confidence,
        verdict: events.reviewVerdict,
        snapshot: sql<string | null>`coalesce(${events.snapshotAnnotated}, ${events.snapshot})`,
        filename: videos.filename,
        tripId: jobs.tripId,
        analysedAt: jobs.createdAt,
      })
      .from(events)
      .innerJoin(jobs, eq(jobs.id, events.jobId))
      .leftJoin(videos, eq(videos.id, jobs.videoId))
      .where(where)
      .orderBy(asc(isNotNull(events.reviewVerdict)), desc(jobs.createdAt), asc(jobs.id), asc(events.startTime), asc(events.ordinal))
      .limit(Math.min(query.limit ?? 50, 200))
      .offset(query.offset ?? 0),
  ]);
  return { total: Number(total), items };
}

/** The labels of the events the caller's queue can show, for its label filter (alphabetical). */
export async function listReviewLabels(db: Db, caller: Caller): Promise<string[]> {
  const scope = listableJobs(caller);
  if (scope === null) return [];
  const rows = await db
    .selectDistinct({ label: events.label })
    .from(events)
    .innerJoin(jobs, eq(jobs.id, events.jobId))
    .where(and(eq(jobs.kind, "analyze"), scope))
    .orderBy(asc(events.label));
  return rows.map((row) => row.label);
}
