// GET /results/{job_id} (contracts/reframer.md §5): 202 until completed, then the streamed results.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { baseUrlOf } from "@/lib/http/base-url";
import { route } from "@/lib/http/route";
import { getReframeJob, reframerStatus, toReframerJob } from "@/lib/reframer/job";
import { resultsJson, textStream } from "@/lib/reframer/results";

const params = z.object({ job_id: z.string() });
const query = z.object({ classes: z.enum(["contract", "coco"]).default("contract") });

export const GET = route({ auth: "apiKey", params, query }, async ({ request, ctx, params, query }) => {
  const database = await db();
  const job = await getReframeJob(database, ctx, params.job_id);
  const status = reframerStatus(job.status);
  if (status === "failed") throw new AppError("bad_request", `Job failed: ${job.errorMessage ?? "processing failed"}`);
  if (status !== "completed") {
    const view = toReframerJob(job);
    return Response.json({ detail: `Job is still ${status} (${view.progress_percent}%): retry later`, status, progress_percent: view.progress_percent }, { status: 202, headers: { "Retry-After": "2" } });
  }
  return new Response(textStream(resultsJson(database, job, { classes: query.classes, baseUrl: baseUrlOf(request) })), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
});
