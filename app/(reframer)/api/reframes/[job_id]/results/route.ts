// GET /api/reframes/{job_id}/results: GET /results/{job_id} for the signed-in owner (the results page).
import { z } from "zod";
import { db } from "@/lib/db/client";
import { baseUrlOf } from "@/lib/http/base-url";
import { route } from "@/lib/http/route";
import { getReframeJob, toReframerJob } from "@/lib/reframer/job";
import { resultsJson, textStream } from "@/lib/reframer/results";

const params = z.object({ job_id: z.string() });

export const GET = route({ auth: "session", params }, async ({ request, ctx, params }) => {
  const database = await db();
  const job = await getReframeJob(database, ctx, params.job_id);
  if (job.status !== "completed") return Response.json(toReframerJob(job), { status: 202 });
  return new Response(textStream(resultsJson(database, job, { classes: "contract", baseUrl: baseUrlOf(request) })), { headers: { "Content-Type": "application/json; charset=utf-8" } });
});
