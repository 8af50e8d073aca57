// GET /jobs/{job_id}/files/{name}: a file an editor job made (result_payload.files), with Range.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { serveFile } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";
import { getJobOrThrow } from "@/lib/jobs";
import { jobMediaDir } from "@/lib/storage/layout";
import { resolveInside } from "@/lib/storage/resolve-inside";

const params = z.object({ job_id: z.string(), name: z.string() });

const handler = route({ auth: "anonymousApi", params }, async ({ request, ctx, params }) => {
  const job = await getJobOrThrow(await db(), ctx, params.job_id);
  const file = await resolveInside(jobMediaDir(job.id), params.name, {
    mustExist: true,
    invalid: { kind: "not_found", message: `File ${params.name} not found` },
    missing: { kind: "not_found", message: `File ${params.name} not found` },
  });
  return serveFile(request, file);
});

export const GET = handler;
export const HEAD = handler;
