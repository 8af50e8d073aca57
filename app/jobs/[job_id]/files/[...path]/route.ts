// GET /jobs/{job_id}/files/{path}: the files behind a feature job's `paths` and `local_path`
// (contracts/feature-extraction.md answers carry them as `url` / `urls`), with Range.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { getFeatureJobOrThrow } from "@/lib/features/queries";
import { serveJobMedia } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string(), path: z.array(z.string()).min(1) });

const handler = route({ auth: "anonymousApi", params }, async ({ request, ctx, params }) => {
  const job = await getFeatureJobOrThrow(await db(), ctx, params.job_id);
  return serveJobMedia(request, job.id, params.path.join("/"), "File not found");
});

export const GET = handler;
export const HEAD = handler;
