// GET /jobs/{job_id}/images (contracts/feature-extraction.md §3): the job's downloaded product images.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { getFeatureJobOrThrow, imagesQuery, listProductImages } from "@/lib/features/queries";
import { listed, toImage } from "@/lib/features/serializers";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });

export const GET = route({ auth: "anonymousApi", params, query: imagesQuery }, async ({ ctx, params, query }) => {
  const database = await db();
  const job = await getFeatureJobOrThrow(database, ctx, params.job_id);
  return Response.json(listed(await listProductImages(database, job.id, query), toImage));
});
