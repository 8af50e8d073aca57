// GET /api/jobs/{job_id}/results?page=&page_size= (contracts/cabin-events.md "Fetch Results").
// Beyond the contract: events reviewed as false_positive are left out unless include_rejected=1,
// each event carries its `review` (and its `zone`, for zone events), `reviewed` counts the
// verdicts and `zones` the zone events per zone.
import { z } from "zod";
import { countReviews } from "@/lib/analysis/count-reviews";
import { countZoneEvents } from "@/lib/analysis/count-zones";
import { getAnalysisJobOrThrow } from "@/lib/analysis/get-analysis-job";
import { listEvents } from "@/lib/analysis/list-events";
import { toCabinResults } from "@/lib/analysis/serializers/cabin-events";
import { db } from "@/lib/db/client";
import { baseUrlOf } from "@/lib/http/base-url";
import { includeRejected } from "@/lib/http/query-flags";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });
const query = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(200).default(25),
  include_rejected: includeRejected,
});

export const GET = route({ auth: "anonymousApi", params, query }, async ({ request, ctx, params, query }) => {
  const database = await db();
  const job = await getAnalysisJobOrThrow(database, ctx, params.job_id);
  const [list, reviewed, zones] = await Promise.all([
    listEvents(database, job.id, { offset: (query.page - 1) * query.page_size, limit: query.page_size }, { includeRejected: query.include_rejected }),
    countReviews(database, job.id),
    countZoneEvents(database, job.id),
  ]);
  return Response.json(toCabinResults(job, list, { page: query.page, pageSize: query.page_size }, baseUrlOf(request), reviewed, zones));
});
