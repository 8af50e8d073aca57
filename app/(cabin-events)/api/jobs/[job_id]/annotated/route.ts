// GET /api/jobs/{job_id}/annotated: the newest annotated-video job of this analysis (null if
// none); POST starts one (or answers the one already running). An addition to
// contracts/cabin-events.md for the analysis page's export.
import { z } from "zod";
import { findAnnotateJob, requestAnnotatedVideo, toAnnotateJob } from "@/lib/analysis/annotate-job";
import { getAnalysisJobOrThrow } from "@/lib/analysis/get-analysis-job";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });

export const GET = route({ auth: "anonymousApi", params }, async ({ ctx, params }) => {
  const database = await db();
  const job = await findAnnotateJob(database, ctx, await getAnalysisJobOrThrow(database, ctx, params.job_id));
  return Response.json({ annotate: job ? toAnnotateJob(job) : null });
});

export const POST = route({ auth: "anonymousApi", params }, async ({ ctx, params }) => {
  const database = await db();
  const job = await requestAnnotatedVideo(database, ctx, await getAnalysisJobOrThrow(database, ctx, params.job_id));
  return Response.json({ annotate: toAnnotateJob(job) }, { status: 202 });
});
