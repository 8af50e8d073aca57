import { and, asc, count, eq, isNull, ne, or, type SQL } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { events, type AnalysisEvent } from "@/lib/db/schema";

export type EventFilter = {
  /** Also the events a reviewer marked `false_positive` (left out by default). */
  includeRejected?: boolean;
};

/** The job's events a listing shows: all of them, or all but the rejected ones. */
export function shownEvents(jobId: string, filter: EventFilter = {}): SQL {
  const job = eq(events.jobId, jobId);
  return filter.includeRejected ? job : and(job, or(isNull(events.reviewVerdict), ne(events.reviewVerdict, "false_positive")))!;
}

export async function listEvents(
  db: Db,
  jobId: string,
  page: { offset: number; limit: number },
  filter: EventFilter = {},
): Promise<{ total: number; items: AnalysisEvent[] }> {
  const where = shownEvents(jobId, filter);
  const [[{ total }], items] = await Promise.all([
    db.select({ total: count() }).from(events).where(where),
    db.select().from(events).where(where).orderBy(asc(events.ordinal)).limit(page.limit).offset(page.offset),
  ]);
  return { total: Number(total), items };
}
