import { and, count, eq, isNotNull, isNull, ne, or } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { events } from "@/lib/db/schema";

export type ZoneCounts = Record<string, { entered: number; left: number; loitering: number }>;

const kinds = { "zone entered": "entered", "zone left": "left", loitering: "loitering" } as const;

/**
 * Per zone of the job, how many times people entered it, left it and loitered in it; events
 * reviewed as false positives do not count. Zones with no event are absent.
 */
export async function countZoneEvents(db: Db, jobId: string): Promise<ZoneCounts> {
  const rows = await db
    .select({ zone: events.zone, label: events.label, n: count() })
    .from(events)
    .where(and(eq(events.jobId, jobId), isNotNull(events.zone), or(isNull(events.reviewVerdict), ne(events.reviewVerdict, "false_positive"))))
    .groupBy(events.zone, events.label);
  const counts: ZoneCounts = {};
  for (const row of rows) {
    const kind = kinds[row.label as keyof typeof kinds];
    if (!row.zone || !kind) continue;
    counts[row.zone] ??= { entered: 0, left: 0, loitering: 0 };
    counts[row.zone][kind] += Number(row.n);
  }
  return counts;
}
