// GET /api/jobs/{job_id}/events/reviewed?format=coco: the job's reviewed events as COCO-style
// labels for an evaluation (an addition to contracts/cabin-events.md); owner or admin only.
import { z } from "zod";
import { exportReviewedEvents } from "@/lib/analysis/export-reviewed-events";
import { getOwnedAnalysisJobOrThrow } from "@/lib/analysis/get-analysis-job";
import { db } from "@/lib/db/client";
import { baseUrlOf } from "@/lib/http/base-url";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });
const query = z.object({ format: z.enum(["coco"]).default("coco") });

export const GET = route({ auth: "anonymousApi", params, query }, async ({ request, ctx, params }) => {
  const database = await db();
  const job = await getOwnedAnalysisJobOrThrow(database, ctx, params.job_id);
  return Response.json(await exportReviewedEvents(database, job, baseUrlOf(request)), {
    headers: { "Content-Disposition": `attachment; filename="reviewed-events-${job.id}.coco.json"`, "Cache-Control": "no-store" },
  });
});
