// GET /jobs/{job_id}/files/{path}: the files behind a feature job's `paths` and `local_path`
// (contracts/feature-extraction.md answers carry them as `url` / `urls`), with Range.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { getFeatureJobOrThrow } from "@/lib/features/queries";
import { serveFile } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";
import { jobMediaDir } from "@/lib/storage/layout";
import { resolveInside } from "@/lib/storage/resolve-inside";

const params = z.object({ job_id: z.string(), path: z.array(z.string()).min(1) });

const handler = route({ auth: "anonymousApi", params }, async ({ request, ctx, params }) => {
  const job = await getFeatureJobOrThrow(await db(), ctx, params.job_id);
  const file = await resolveInside(jobMediaDir(job.id), params.path.join("/"), {
    mustExist: true,
    invalid: { kind: "not_found", message: "File not found" },
    missing: { kind: "not_found", message: "File not found" },
  });
  return serveFile(request, file);
});

export const GET = handler;
export const HEAD = handler;
