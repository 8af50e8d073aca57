// GET /api/jobs/{job_id}/progress (contracts/cabin-events.md "Poll Progress"): unknown ids answer notFound.
import { z } from "zod";
import { findAnalysisJob } from "@/lib/analysis/get-analysis-job";
import { toCabinProgress, toCabinProgressNotFound } from "@/lib/analysis/serializers/cabin-events";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });

export const GET = route({ auth: "anonymousApi", params }, async ({ ctx, params }) => {
  const job = await findAnalysisJob(await db(), ctx, params.job_id);
  return Response.json(job ? toCabinProgress(job) : toCabinProgressNotFound());
});
