// POST, DELETE /api/jobs/{job_id}/events/{event_id}/review: a person's verdict on an event
// (confirmed or false_positive, with an optional note), given or taken back by the job's owner
// or an admin (an addition to contracts/cabin-events.md). Anyone else is told invalid_job.
import { z } from "zod";
import { clearEventReview, eventReviewSchema, reviewEvent } from "@/lib/analysis/review-event";
import { toCabinEvent } from "@/lib/analysis/serializers/cabin-events";
import { db } from "@/lib/db/client";
import { baseUrlOf } from "@/lib/http/base-url";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string(), event_id: z.string() });

export const POST = route({ auth: "anonymousApi", params, body: eventReviewSchema }, async ({ request, ctx, params, body }) => {
  const { job, event } = await reviewEvent(await db(), ctx, params.job_id, params.event_id, body);
  return Response.json(toCabinEvent(event, `${baseUrlOf(request)}/api/jobs/${job.id}/media`, job));
});

export const DELETE = route(
  { auth: "anonymousApi", params, doc: { responses: { 204: "The verdict is cleared" } } },
  async ({ ctx, params }) => {
    await clearEventReview(await db(), ctx, params.job_id, params.event_id);
    return new Response(null, { status: 204 });
  },
);
