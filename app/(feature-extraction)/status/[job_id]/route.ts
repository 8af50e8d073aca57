// GET /status/{job_id} (contracts/feature-extraction.md §1): phase, percent, counts.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { featureJobStatus } from "@/lib/features/job-status";
import { toFeatureStatus } from "@/lib/features/serializers";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });

export const GET = route({ auth: "anonymousApi", params }, async ({ ctx, params }) => {
  const { job, counts, failed } = await featureJobStatus(await db(), ctx, params.job_id);
  return Response.json(toFeatureStatus(job, counts, failed));
});
