import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs, type Job } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { createJob, listableJobs, type Caller } from "@/lib/jobs";

/** The newest annotate job the caller may see for this analysis, or null. */
export async function findAnnotateJob(db: Db, caller: Caller, analysis: Job): Promise<Job | null> {
  const scope = listableJobs(caller);
  // An anonymous analysis's annotations are anonymous too: reachable through the analysis id.
  const visible = scope === null ? sql`${jobs.ownerId} is null` : scope;
  const [job] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.kind, "annotate"), sql`${jobs.payload}->>'analysis_job_id' = ${analysis.id}`, visible))
    .orderBy(desc(jobs.createdAt))
    .limit(1);
  return job ?? null;
}

/**
 * Starts an annotate job for a completed analysis, unless one is already pending or running
 * (a second click follows the first instead of starting a second render).
 */
export async function requestAnnotatedVideo(db: Db, caller: Caller, analysis: Job): Promise<Job> {
  if (analysis.status !== "completed") throw new AppError("conflict", "The analysis has not finished: an annotated video needs its detections");
  if (!analysis.videoId) throw new AppError("not_found", "The analysed video is gone");
  const existing = await findAnnotateJob(db, caller, analysis);
  if (existing && !["failed", "cancelled"].includes(existing.status)) return existing;
  return createJob(db, caller, { kind: "annotate", payload: { source_asset_id: analysis.videoId, analysis_job_id: analysis.id }, videoId: analysis.videoId });
}

export { toAnnotateJob } from "./serializers/cabin-events";
