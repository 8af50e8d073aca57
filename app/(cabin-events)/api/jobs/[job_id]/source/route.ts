// GET /api/jobs/{job_id}/source: the analysed video itself, with Range (for the job page player).
import { z } from "zod";
import { jobSourceFile } from "@/lib/analysis/get-analysis-job";
import { db } from "@/lib/db/client";
import { serveMedia } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });

const handler = route({ auth: "anonymousApi", params }, async ({ request, ctx, params }) =>
  serveMedia(request, await jobSourceFile(await db(), ctx, params.job_id)),
);

export const GET = handler;
export const HEAD = handler;
