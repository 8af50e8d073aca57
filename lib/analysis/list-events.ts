import { asc, count, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { events, type AnalysisEvent } from "@/lib/db/schema";

export async function listEvents(db: Db, jobId: string, page: { offset: number; limit: number }): Promise<{ total: number; items: AnalysisEvent[] }> {
  const [[{ total }], items] = await Promise.all([
    db.select({ total: count() }).from(events).where(eq(events.jobId, jobId)),
    db.select().from(events).where(eq(events.jobId, jobId)).orderBy(asc(events.ordinal)).limit(page.limit).offset(page.offset),
  ]);
  return { total: Number(total), items };
}
