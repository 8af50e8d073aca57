// GET /api/jobs/{job_id} (contracts/cabin-events.md "Get Job Summary").
import { z } from "zod";
import { toCabinJobSummary } from "@/lib/analysis/serializers/cabin-events";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { getAnalysisJobOrThrow } from "@/lib/analysis/get-analysis-job";

const params = z.object({ job_id: z.string() });

export const GET = route({ auth: "anonymousApi", params }, async ({ ctx, params }) =>
  Response.json(toCabinJobSummary(await getAnalysisJobOrThrow(await db(), ctx, params.job_id))),
);
