// POST /api/jobs (contracts/cabin-events.md "Create Job (upload)"): multipart tripId + cvvrFile.
import { startAnalysis, parseAnalysisOptions } from "@/lib/analysis/start-analysis";
import { toCabinJobCreated } from "@/lib/analysis/serializers/cabin-events";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { baseUrlOf } from "@/lib/http/base-url";
import { rememberAnonymousJob } from "@/lib/http/browser-jobs-cookie";
import { route } from "@/lib/http/route";
import { registerUpload } from "@/lib/videos/register-video";

export const POST = route(
  { auth: "anonymousApi", input: "multipart", multipart: { fileFields: ["cvvrFile"], maxFiles: 1, toStore: true } },
  async ({ request, ctx, form: { fields, files } }) => {
    const tripId = fields.tripId?.trim();
    if (!tripId) throw new AppError("bad_request", "tripId is required");
    const file = files.find((candidate) => candidate.field === "cvvrFile");
    if (!file) throw new AppError("bad_request", "cvvrFile is required");
    const options = parseAnalysisOptions(fields.options);
    const database = await db();
    const { video, probe } = await registerUpload(database, ctx, file);
    const job = await startAnalysis(database, ctx, { video, probe, tripId, options, clientId: fields.client_id || null });
    return rememberAnonymousJob(request, Response.json(toCabinJobCreated(job, baseUrlOf(request))), job);
  },
);
