// POST /jobs/: create and enqueue a processing job (contracts/editor-jobs.md, "POST /jobs/").
import { z } from "zod";
import { route } from "@/lib/http/route";
import { db } from "@/lib/db/client";
import { editorJobKinds } from "@/inngest/events";
import { createJob } from "@/lib/jobs";
import { toEditorJob } from "@/lib/jobs/serializers/editor-job";

const query = z.object({
  job_type: z.enum(editorJobKinds),
  priority: z.coerce.number().int().min(-1000).max(1000).default(0), // runs move at most 600 s (Inngest's priority.run)
  clip_version_id: z.string().min(1).optional(),
});

// The body is checked against the kind's payload schema inside createJob (lib/jobs/payloads.ts).
export const POST = route(
  { auth: "anonymousApi", query, body: z.record(z.string(), z.unknown()) },
  async ({ ctx, query, body }) => {
    const job = await createJob(await db(), ctx, {
      kind: query.job_type,
      priority: query.priority,
      clipVersionId: query.clip_version_id,
      payload: body,
    });
    return Response.json(toEditorJob(job, []), { status: 202 });
  },
);
