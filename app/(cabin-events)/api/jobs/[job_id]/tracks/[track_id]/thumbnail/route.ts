// GET /api/jobs/{job_id}/tracks/{track_id}/thumbnail: the track's most confident box cut out
// of its frame (JPEG), made on first request.
import { z } from "zod";
import { getAnalysisJobOrThrow, jobSourceFile } from "@/lib/analysis/get-analysis-job";
import { trackThumbnail } from "@/lib/analysis/thumbnails";
import { db } from "@/lib/db/client";
import { serveMedia } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string(), track_id: z.coerce.number().int().min(0).max(1e9) });

export const GET = route({ auth: "anonymousApi", params }, async ({ request, ctx, params }) => {
  const database = await db();
  const job = await getAnalysisJobOrThrow(database, ctx, params.job_id);
  const file = await trackThumbnail(database, job, await jobSourceFile(database, ctx, job.id), params.track_id);
  return serveMedia(request, file, { cacheControl: "private, max-age=3600" });
});
