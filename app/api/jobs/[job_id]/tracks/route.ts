// GET /api/jobs/{job_id}/tracks: every track with its path, first and last seen and its events
// (an addition to contracts/cabin-events.md, for the analysis page's per-track view).
import { z } from "zod";
import { getAnalysisJobOrThrow } from "@/lib/analysis/get-analysis-job";
import { listTracks } from "@/lib/analysis/list-tracks";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });

export const GET = route({ auth: "anonymousApi", params }, async ({ ctx, params }) => {
  const database = await db();
  const job = await getAnalysisJobOrThrow(database, ctx, params.job_id);
  return Response.json({ job_id: job.id, tracks: await listTracks(database, job.id) });
});
