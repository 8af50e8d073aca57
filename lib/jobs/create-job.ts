import { and, eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs, type Job } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { JobKind } from "@/lib/job-kinds";
import { publicMessage } from "@/lib/public-message";
import { getVideoOrThrow } from "@/lib/videos/get-video";
import { queueKeyOf, type Caller } from "./caller";
import { jobQueue } from "./job-queue";
import { parseJobPayload, sourcesOf } from "./payloads";
import { publishJob } from "./publish";

export type CreateJobInput = {
  kind: JobKind;
  payload?: Record<string, unknown>;
  /** Higher runs sooner (inngest/client.ts clamps it to Inngest's [-600, 600] seconds for `priority.run`). */
  priority?: number;
  clipVersionId?: string | null;
  clientId?: string | null;
  videoId?: string | null;
  tripId?: string | null;
};

/**
 * Checks the payload against its kind's schema (lib/jobs/payloads.ts) and that a video it
 * names by id is one the caller may see (else "Source asset <id> not found", as for an unknown
 * id); then stores the job (pending), starts its run through the job queue the app set
 * (lib/jobs/job-queue.ts), and marks it queued. When the run cannot be started the job is
 * marked failed and the caller gets
 * `unavailable: Failed to enqueue job: <reason>`. Whether a `video_name` exists is the run's
 * question: the file may come and go, and the job then fails with the reason.
 */
export async function createJob(db: Db, caller: Caller, input: CreateJobInput): Promise<Job> {
  const payload = parseJobPayload(input.kind, input.payload ?? {});
  for (const source of sourcesOf(input.kind, payload)) {
    if ("source_asset_id" in source) await getVideoOrThrow(db, caller, source.source_asset_id);
  }
  const priority = input.priority ?? 0;
  const queueKey = queueKeyOf(caller);
  const [job] = await db
    .insert(jobs)
    .values({
      kind: input.kind,
      // What the caller sent, not the parsed form: the contract echoes the payload as given.
      payload: input.payload ?? {},
      priority,
      ownerId: caller.user?.id ?? null,
      queueKey,
      clipVersionId: input.clipVersionId ?? null,
      clientId: input.clientId ?? null,
      videoId: input.videoId ?? null,
      tripId: input.tripId ?? null,
    })
    .returning();
  publishJob(job);

  try {
    await jobQueue().enqueue(job, queueKey, db);
  } catch (error) {
    const reason = publicMessage(error instanceof Error ? error.message : String(error));
    const [failed] = await db.update(jobs).set({ status: "failed", errorMessage: `Failed to enqueue job: ${reason}`, updatedAt: new Date(), completedAt: new Date() }).where(eq(jobs.id, job.id)).returning();
    if (failed) publishJob(failed);
    throw new AppError("unavailable", `Failed to enqueue job: ${reason}`);
  }

  // Only from pending: the run may already have moved the job on.
  const [queued] = await db
    .update(jobs)
    .set({ status: "queued", updatedAt: new Date() })
    .where(and(eq(jobs.id, job.id), eq(jobs.status, "pending")))
    .returning();
  if (queued) publishJob(queued);
  return queued ?? (await db.select().from(jobs).where(eq(jobs.id, job.id)))[0];
}
