// GET /features/product-images/{img_id} (contracts/feature-extraction.md §4.4). img_ids repeat
// across jobs (p_001_img_0): the newest one the caller may see answers; `?job_id=` picks one.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { assetQuery, getProductImageOrThrow } from "@/lib/features/queries";
import { toProductImageFeatures } from "@/lib/features/serializers";
import { route } from "@/lib/http/route";

const params = z.object({ img_id: z.string().max(200) });

export const GET = route({ auth: "anonymousApi", params, query: assetQuery }, async ({ ctx, params, query }) =>
  Response.json(toProductImageFeatures(await getProductImageOrThrow(await db(), ctx, params.img_id, query.job_id))),
);
