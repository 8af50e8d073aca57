// GET /api/jobs/{job_id}/detections?from=&to=&raw=: the job's boxes in a time window, compactly,
// for the analysis page's overlay (an addition to contracts/cabin-events.md). Confirmed objects
// only; raw=1 adds every box the detector stored.
import { z } from "zod";
import { getAnalysisJobOrThrow } from "@/lib/analysis/get-analysis-job";
import { listDetections, MAX_DETECTION_WINDOW_SECONDS } from "@/lib/analysis/list-detections";
import { db } from "@/lib/db/client";
import { queryFlag } from "@/lib/http/query-flags";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });
const query = z
  .object({
    from: z.coerce.number().finite().min(0).default(0),
    to: z.coerce.number().finite().min(0).optional(),
    raw: queryFlag("1 for every box the detector stored, also those no confirmed track holds"),
  })
  .transform((window) => ({ from: window.from, to: window.to ?? window.from + MAX_DETECTION_WINDOW_SECONDS, raw: window.raw }))
  .refine((window) => window.to >= window.from, { path: ["to"], message: "must not be before from" })
  .refine((window) => window.to - window.from <= MAX_DETECTION_WINDOW_SECONDS, { path: ["to"], message: `a window is at most ${MAX_DETECTION_WINDOW_SECONDS} s` });

export const GET = route({ auth: "anonymousApi", params, query }, async ({ ctx, params, query }) => {
  const database = await db();
  const job = await getAnalysisJobOrThrow(database, ctx, params.job_id);
  return Response.json(await listDetections(database, job, query), { headers: { "Cache-Control": "private, max-age=60" } });
});
