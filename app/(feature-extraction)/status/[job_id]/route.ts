// GET /status/{job_id} (contracts/feature-extraction.md §1): phase, percent, counts.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { getFeatureJobOrThrow, jobCounts } from "@/lib/features/queries";
import { failedItems } from "@/lib/features/run-job";
import { toFeatureStatus } from "@/lib/features/serializers";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });

export const GET = route({ auth: "anonymousApi", params }, async ({ ctx, params }) => {
  const database = await db();
  const job = await getFeatureJobOrThrow(database, ctx, params.job_id);
  return Response.json(toFeatureStatus(job, await jobCounts(database, job.id), await failedItems(database, job.id)));
});
