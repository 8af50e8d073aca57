// GET /jobs/{job_id}/files/{name}: a file an editor job made (result_payload.files), with Range
// (an addition to contracts/editor-jobs.md).
import { z } from "zod";
import { db } from "@/lib/db/client";
import { serveMedia } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";
import { jobFileOrThrow } from "@/lib/jobs/job-files";

const params = z.object({ job_id: z.string(), name: z.string() });

const handler = route({ auth: "anonymousApi", params }, async ({ request, ctx, params }) => {
  const { file, contentType } = await jobFileOrThrow(await db(), ctx, params.job_id, params.name);
  return serveMedia(request, file, { contentType, notFoundMessage: `File ${params.name} not found` });
});

export const GET = handler;
export const HEAD = handler;
