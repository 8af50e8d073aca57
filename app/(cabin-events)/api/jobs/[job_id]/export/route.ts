// GET /api/jobs/{job_id}/export?format=json|csv&include_rejected=: every event as a download (an
// addition to contracts/cabin-events.md, linked from the analysis page), less the events reviewed
// as false_positive unless include_rejected=1.
import { z } from "zod";
import { exportEvents } from "@/lib/analysis/export-events";
import { getAnalysisJobOrThrow } from "@/lib/analysis/get-analysis-job";
import { db } from "@/lib/db/client";
import { baseUrlOf } from "@/lib/http/base-url";
import { includeRejected } from "@/lib/http/query-flags";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });
const query = z.object({ format: z.enum(["json", "csv"]).default("json"), include_rejected: includeRejected });

const types = { json: "application/json; charset=utf-8", csv: "text/csv; charset=utf-8" };

export const GET = route({ auth: "anonymousApi", params, query }, async ({ request, ctx, params, query }) => {
  const database = await db();
  const job = await getAnalysisJobOrThrow(database, ctx, params.job_id);
  return new Response(exportEvents(database, job, query.format, baseUrlOf(request), { includeRejected: query.include_rejected }), {
    headers: { "Content-Type": types[query.format], "Content-Disposition": `attachment; filename="events-${job.id}.${query.format}"`, "Cache-Control": "no-store" },
  });
});
