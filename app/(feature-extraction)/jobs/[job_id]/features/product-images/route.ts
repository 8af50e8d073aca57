// GET /jobs/{job_id}/features/product-images (contracts/feature-extraction.md §4.2).
import { z } from "zod";
import { db } from "@/lib/db/client";
import { getFeatureJobOrThrow, listProductImages, productImageFeaturesQuery } from "@/lib/features/queries";
import { listed, toProductImageFeatures } from "@/lib/features/serializers";
import { route } from "@/lib/http/route";

const params = z.object({ job_id: z.string() });

export const GET = route({ auth: "anonymousApi", params, query: productImageFeaturesQuery }, async ({ ctx, params, query }) => {
  const database = await db();
  const job = await getFeatureJobOrThrow(database, ctx, params.job_id);
  return Response.json(listed(await listProductImages(database, job.id, query), toProductImageFeatures));
});
