// GET /api/jobs/{job_id}/media/{filename} (contracts/cabin-events.md "Fetch Media"), with Range.
import { z } from "zod";
import { jobMediaFile } from "@/lib/analysis/get-analysis-job";
import { db } from "@/lib/db/client";
import { serveMedia } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string(), filename: z.array(z.string()).min(1) });

const handler = route({ auth: "anonymousApi", params }, async ({ request, ctx, params }) =>
  serveMedia(request, await jobMediaFile(await db(), ctx, params.job_id, params.filename.join("/"))),
);

export const GET = handler;
export const HEAD = handler;
