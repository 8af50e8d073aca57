// POST /features/search (issue 13 §6, beside contracts/feature-extraction.md): where a product
// appears, as {items: [{frame_id, video_id, ts, score, box?}]}.
import { db } from "@/lib/db/client";
import { searchBody, searchProduct } from "@/lib/features/search";
import { route } from "@/lib/http/route";

export const POST = route({ auth: "anonymousApi", body: searchBody }, async ({ ctx, body }) => Response.json(await searchProduct(await db(), ctx, body)));
