import { and, count, eq, isNotNull } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { events, reviewVerdicts, type ReviewVerdict } from "@/lib/db/schema";

export type ReviewCounts = Record<ReviewVerdict, number>;

/** How many of the job's events carry each verdict (every verdict present, 0 when none). */
export async function countReviews(db: Db, jobId: string): Promise<ReviewCounts> {
  const rows = await db
    .select({ verdict: events.reviewVerdict, n: count() })
    .from(events)
    .where(and(eq(events.jobId, jobId), isNotNull(events.reviewVerdict)))
    .groupBy(events.reviewVerdict);
  const counts = Object.fromEntries(reviewVerdicts.map((verdict) => [verdict, 0])) as ReviewCounts;
  for (const row of rows) if (row.verdict) counts[row.verdict] = Number(row.n);
  return counts;
}
