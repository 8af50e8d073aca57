import { and, desc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { isUuid } from "@/lib/ids";
import type { Db } from "@/lib/db/client";
import { jobs, videos, type Job } from "@/lib/db/schema";
import { listableJobs, type Caller } from "@/lib/jobs";

/** The analyses list of the browser: a user's own, or everyone's for an admin. Anonymous: none. */
export async function listAnalyses(db: Db, caller: Caller, limit = 100) {
  const scope = listableJobs(caller);
  if (scope === null) return [];
  return selectAnalyses(db, scope, limit);
}

/**
 * The anonymous analyses a browser started (the ids its signed cookie proves,
 * lib/auth/browser-jobs.ts), newest first. Only jobs still anonymous and still there: a
 * deleted job leaves the list at once, whatever the cookie still says.
 */
export async function listBrowserAnalyses(db: Db, jobIds: readonly string[]) {
  const ids = jobIds.filter(isUuid);
  if (ids.length === 0) return [];
  return selectAnalyses(db, and(inArray(jobs.id, ids), isNull(jobs.ownerId)), ids.length);
}

export type AnalysisListItem = Awaited<ReturnType<typeof selectAnalyses>>[number];

/** One row per analysis in `scope`: what the lists show, with its event count and thumbnail. */
function selectAnalyses(db: Db, scope: SQL | undefined, limit: number) {
  return db
    .select({
      id: jobs.id,
      status: jobs.status,
      processed: jobs.processed,
      total: jobs.total,
      tripId: jobs.tripId,
      createdAt: jobs.createdAt,
      filename: videos.filename,
      /** Events a reviewer rejected as false positives are not counted, as the viewer counts none. */
      events: sql<number>`(select count(*)::int from events e where e.job_id = ${jobs.id} and e.review_verdict is distinct from 'false_positive')`,
      /** The annotated snapshot of the job's most confident event, as its thumbnail. */
      thumbnail: sql<string | null>`(select e.snapshot_annotated from events e where e.job_id = ${jobs.id} and e.snapshot_annotated is not null order by e.confidence desc, e.ordinal limit 1)`,
    })
    .from(jobs)
    .leftJoin(videos, eq(videos.id, jobs.videoId))
    .where(and(eq(jobs.kind, "analyze"), scope))
    .orderBy(desc(jobs.createdAt))
    .limit(limit);
}

export async function analysisVideoOf(db: Db, job: Job) {
  if (!job.videoId) return null;
  const [video] = await db.select({ filename: videos.filename, durationSeconds: videos.durationSeconds }).from(videos).where(eq(videos.id, job.videoId));
  return video ?? null;
}
