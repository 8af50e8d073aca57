// GET /api/jobs/{job_id}/tracks?include_rejected=: every track with its path, first and last seen
// and its events (an addition to contracts/cabin-events.md, for the analysis page's per-track
// view); as in the results, events reviewed as false_positive only with include_rejected=1.
import { z } from "zod";
import { getAnalysisJobOrThrow } from "@/lib/analysis/get-analysis-job";
import { listTracks } from "@/lib/analysis/list-tracks";
import { db } from "@/lib/db/client";
import { includeRejected } from "@/lib/http/query-flags";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });
const query = z.object({ include_rejected: includeRejected });

export const GET = route({ auth: "anonymousApi", params, query }, async ({ ctx, params, query }) => {
  const database = await db();
  const job = await getAnalysisJobOrThrow(database, ctx, params.job_id);
  return Response.json({ job_id: job.id, tracks: await listTracks(database, job.id, { includeRejected: query.include_rejected }) });
});
