// GET /jobs/{job_id}/videos/{video_id}/frames (contracts/feature-extraction.md §2): a video's frames.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { framesQuery, getFeatureJobOrThrow, getFeatureVideoOrThrow, listVideoFrames } from "@/lib/features/queries";
import { listed, toFrame } from "@/lib/features/serializers";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string(), video_id: z.string() });

export const GET = route({ auth: "anonymousApi", params, query: framesQuery }, async ({ ctx, params, query }) => {
  const database = await db();
  const job = await getFeatureJobOrThrow(database, ctx, params.job_id);
  const video = await getFeatureVideoOrThrow(database, job.id, params.video_id);
  return Response.json(listed(await listVideoFrames(database, job.id, video.videoId, query), toFrame));
});
