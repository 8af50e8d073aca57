// GET /jobs/{job_id}/features/video-frames (contracts/feature-extraction.md §4.3).
import { z } from "zod";
import { db } from "@/lib/db/client";
import { getFeatureJobOrThrow, listVideoFrames, videoFrameFeaturesQuery } from "@/lib/features/queries";
import { listed, toVideoFrameFeatures } from "@/lib/features/serializers";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });

export const GET = route({ auth: "anonymousApi", params, query: videoFrameFeaturesQuery }, async ({ ctx, params, query }) => {
  const database = await db();
  const job = await getFeatureJobOrThrow(database, ctx, params.job_id);
  return Response.json(listed(await listVideoFrames(database, job.id, query.video_id ?? "", query), toVideoFrameFeatures));
});
