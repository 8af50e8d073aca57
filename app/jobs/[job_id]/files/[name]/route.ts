// GET /jobs/{job_id}/files/{name}: a file an editor job made (result_payload.files), with Range.
import path from "node:path";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { serveFile } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";
import { getJobOrThrow } from "@/lib/jobs";
import { jobMediaDir } from "@/lib/storage/layout";
import { resolveInside } from "@/lib/storage/resolve-inside";

/** Types editor jobs write that lib/http/media-response.ts does not name. */
const editorTypes: Record<string, string> = {
  ".srt": "application/x-subrip; charset=utf-8",
  ".ass": "text/x-ssa; charset=utf-8",
  ".edl": "text/plain; charset=utf-8",
  ".wav": "audio/wav",
};

const params = z.object({ job_id: z.string(), name: z.string() });

const handler = route({ auth: "anonymousApi", params }, async ({ request, ctx, params }) => {
  const job = await getJobOrThrow(await db(), ctx, params.job_id);
  const file = await resolveInside(jobMediaDir(job.id), params.name, {
    mustExist: true,
    invalid: { kind: "not_found", message: `File ${params.name} not found` },
    missing: { kind: "not_found", message: `File ${params.name} not found` },
  });
  return serveFile(request, file, { contentType: editorTypes[path.extname(file).toLowerCase()] });
});

export const GET = handler;
export const HEAD = handler;
