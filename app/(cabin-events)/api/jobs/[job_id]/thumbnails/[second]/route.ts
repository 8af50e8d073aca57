// GET /api/jobs/{job_id}/thumbnails/{second}: the frame at that whole second (JPEG), small for
// scrubbing on the analysis page or `?size=frame` for the zone editor, made on first request and
// kept with the job's media.
import { z } from "zod";
import { getAnalysisJobOrThrow, jobSourceFile } from "@/lib/analysis/get-analysis-job";
import { FRAME_WIDTHS, type FrameSize, scrubThumbnail } from "@/lib/analysis/thumbnails";
import { db } from "@/lib/db/client";
import { serveMedia } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string(), second: z.coerce.number().int().min(0).max(24 * 3600) });
const query = z.object({ size: z.enum(Object.keys(FRAME_WIDTHS) as [FrameSize, ...FrameSize[]]).default("small") });

export const GET = route({ auth: "anonymousApi", params, query }, async ({ request, ctx, params, query }) => {
  const database = await db();
  const job = await getAnalysisJobOrThrow(database, ctx, params.job_id);
  const file = await scrubThumbnail(job, await jobSourceFile(database, ctx, job.id), params.second, query.size);
  return serveMedia(request, file, { cacheControl: "private, max-age=3600" });
});
