// POST /jobs/{job_id}/cancel: stop a job's run (an addition to contracts/editor-jobs.md; same record shape).
import { z } from "zod";
import { route } from "@/lib/http/route";
import { db } from "@/lib/db/client";
import { cancelJob, listJobLogs } from "@/lib/jobs";
import { toEditorJob } from "@/lib/jobs/serializers/editor-job";
import { baseUrlOf } from "@/lib/http/base-url";

export const POST = route({ auth: "anonymousApi", params: z.object({ job_id: z.string() }) }, async ({ request, ctx, params }) => {
  const database = await db();
  const job = await cancelJob(database, ctx, params.job_id);
  return Response.json(toEditorJob(job, await listJobLogs(database, job.id), baseUrlOf(request)));
});
