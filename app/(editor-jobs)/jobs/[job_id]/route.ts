// GET /jobs/{job_id}: the latest state of a job (contracts/editor-jobs.md, "GET /jobs/{job_id}").
import { z } from "zod";
import { route } from "@/lib/http/route";
import { db } from "@/lib/db/client";
import { getJobOrThrow, listJobLogs } from "@/lib/jobs";
import { toEditorJob } from "@/lib/jobs/serializers/editor-job";
import { baseUrlOf } from "@/lib/http/base-url";

export const GET = route({ auth: "anonymousApi", params: z.object({ job_id: z.string() }) }, async ({ request, ctx, params }) => {
  const database = await db();
  const job = await getJobOrThrow(database, ctx, params.job_id);
  return Response.json(toEditorJob(job, await listJobLogs(database, job.id), baseUrlOf(request)));
});
