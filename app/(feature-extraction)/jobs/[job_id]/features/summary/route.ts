// GET /jobs/{job_id}/features/summary (contracts/feature-extraction.md §4.1).
import { z } from "zod";
import { db } from "@/lib/db/client";
import { featureSummary, getFeatureJobOrThrow } from "@/lib/features/queries";
import { toFeatureSummary } from "@/lib/features/serializers";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });

export const GET = route({ auth: "anonymousApi", params }, async ({ ctx, params }) => {
  const database = await db();
  const job = await getFeatureJobOrThrow(database, ctx, params.job_id);
  return Response.json(toFeatureSummary(job, await featureSummary(database, job.id)));
});
