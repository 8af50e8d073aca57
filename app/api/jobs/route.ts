// POST /api/jobs (contracts/cabin-events.md "Create Job (upload)"): multipart tripId + cvvrFile.
import { startAnalysis, parseAnalysisOptions } from "@/lib/analysis/start-analysis";
import { toCabinJobCreated } from "@/lib/analysis/serializers/cabin-events";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { baseUrlOf } from "@/lib/http/base-url";
import { parseMultipart } from "@/lib/http/multipart";
import { route } from "@/lib/http/route";
import { uploadSubject, withUploadSlot } from "@/lib/http/upload-slots";
import { removeQuietly } from "@/lib/storage/write-file";
import { registerUpload } from "@/lib/videos/register-video";

export const POST = route({ auth: "anonymousApi" }, async ({ request, ctx }) =>
  withUploadSlot(uploadSubject(ctx, request), async () => {
    if (!request.headers.get("content-type")?.toLowerCase().startsWith("multipart/form-data")) {
      throw new AppError("bad_request", "Content-Type must be multipart/form-data");
    }
    const { fields, files } = await parseMultipart(request, { fileFields: ["cvvrFile"], maxFiles: 1 });
    const file = files.find((candidate) => candidate.field === "cvvrFile");
    try {
      const tripId = fields.tripId?.trim();
      if (!tripId) throw new AppError("bad_request", "tripId is required");
      if (!file || file.size === 0 && !file.filename) throw new AppError("bad_request", "cvvrFile is required");
      const options = parseAnalysisOptions(fields.options);
      const database = await db();
      const { video, probe } = await registerUpload(database, ctx, file);
      const job = await startAnalysis(database, ctx, { video, probe, tripId, options, clientId: fields.client_id || null });
      return Response.json(toCabinJobCreated(job, baseUrlOf(request)));
    } catch (error) {
      if (file) await removeQuietly(file.path);
      throw error;
    }
  }),
);
