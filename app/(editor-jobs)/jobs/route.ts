// POST /jobs/: create and enqueue a processing job (contracts/editor-jobs.md, "POST /jobs/").
import { z } from "zod";
import { byContentType, route } from "@/lib/http/route";
import { db } from "@/lib/db/client";
import { editorJobKinds } from "@/lib/job-kinds";
import { createJob } from "@/lib/jobs";
import { toEditorJob } from "@/lib/jobs/serializers/editor-job";
import { baseUrlOf } from "@/lib/http/base-url";
import { AppError } from "@/lib/errors";
import { featurePayloadFromForm } from "@/lib/features/create-from-form";

const query = z.object({
  job_type: z.enum(editorJobKinds),
  priority: z.coerce.number().int().min(-1000).max(1000).default(0), // runs move at most 600 s (Inngest's priority.run)
  clip_version_id: z.string().min(1).optional(),
});

// The body is checked against the kind's payload schema inside createJob (lib/jobs/payloads.ts).
const jsonBody = route(
  { auth: "anonymousApi", query, body: z.record(z.string(), z.unknown()) },
  async ({ request, ctx, query, body }) => {
    const job = await createJob(await db(), ctx, {
      kind: query.job_type,
      priority: query.priority,
      clipVersionId: query.clip_version_id,
      payload: body,
    });
    return Response.json(toEditorJob(job, [], baseUrlOf(request)), { status: 202 });
  },
);

// extract_features also takes multipart: the files themselves (lib/features/create-from-form.ts).
const multipartBody = route(
  { auth: "anonymousApi", query, input: "multipart", multipart: { maxFiles: 50 } },
  async ({ request, ctx, query, form }) => {
    if (query.job_type !== "extract_features") throw new AppError("bad_request", "A multipart body is taken for job_type=extract_features only");
    const database = await db();
    const job = await createJob(database, ctx, {
      kind: query.job_type,
      priority: query.priority,
      clipVersionId: query.clip_version_id,
      payload: await featurePayloadFromForm(database, ctx, form),
    });
    return Response.json(toEditorJob(job, [], baseUrlOf(request)), { status: 202 });
  },
);

export const POST = byContentType(multipartBody, jsonBody);
