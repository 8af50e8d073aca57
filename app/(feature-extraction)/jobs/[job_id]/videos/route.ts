// GET /jobs/{job_id}/videos (contracts/feature-extraction.md §2): the job's downloaded videos.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { getFeatureJobOrThrow, listFeatureVideos, videosQuery } from "@/lib/features/queries";
import { listed, toFeatureVideo } from "@/lib/features/serializers";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });

export const GET = route({ auth: "anonymousApi", params, query: videosQuery }, async ({ ctx, params, query }) => {
  const database = await db();
  const job = await getFeatureJobOrThrow(database, ctx, params.job_id);
  return Response.json(listed(await listFeatureVideos(database, job.id, query), toFeatureVideo));
});
