import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { events, reviewVerdicts, type AnalysisEvent, type Job } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import type { Caller } from "@/lib/jobs";
import { getOwnedAnalysisJobOrThrow } from "./get-analysis-job";

export const MAX_REVIEW_NOTE = 1000;

/** What a reviewer says about an event (POST /api/jobs/{job_id}/events/{event_id}/review). */
export const eventReviewSchema = z
  .object({
    verdict: z.enum(reviewVerdicts),
    note: z.string().max(MAX_REVIEW_NOTE).nullable().optional(),
  })
  .strict();

export type EventReview = z.output<typeof eventReviewSchema>;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Gives an event of an analysis job the caller owns (or administers) a verdict, replacing any
 * earlier one. An unknown event, or one of another job, is not found.
 */
export async function reviewEvent(db: Db, caller: Caller, jobId: string, eventId: string, review: EventReview): Promise<{ job: Job; event: AnalysisEvent }> {
  return setReview(db, caller, jobId, eventId, {
    reviewVerdict: review.verdict,
    reviewNote: review.note ?? null,
    reviewedAt: new Date(),
    reviewedBy: caller.user?.id ?? null,
  });
}

/** Takes an event's verdict away: it is unreviewed again (and listed again if it was rejected). */
export async function clearEventReview(db: Db, caller: Caller, jobId: string, eventId: string): Promise<{ job: Job; event: AnalysisEvent }> {
  return setReview(db, caller, jobId, eventId, { reviewVerdict: null, reviewNote: null, reviewedAt: null, reviewedBy: null });
}

type ReviewColumns = Pick<AnalysisEvent, "reviewVerdict" | "reviewNote" | "reviewedAt" | "reviewedBy">;

async function setReview(db: Db, caller: Caller, jobId: string, eventId: string, values: ReviewColumns) {
  const job = await getOwnedAnalysisJobOrThrow(db, caller, jobId);
  const [event] = uuid.test(eventId)
    ? await db.update(events).set(values).where(and(eq(events.id, eventId), eq(events.jobId, job.id))).returning()
    : [];
  if (!event) throw new AppError("not_found", `Event ${eventId} not found`);
  return { job, event };
}
