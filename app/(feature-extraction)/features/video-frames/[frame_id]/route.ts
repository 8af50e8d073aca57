// GET /features/video-frames/{frame_id} (contracts/feature-extraction.md §4.4).
import { z } from "zod";
import { db } from "@/lib/db/client";
import { getVideoFrameOrThrow } from "@/lib/features/queries";
import { toVideoFrameFeatures } from "@/lib/features/serializers";
import { route } from "@/lib/http/route";

const params = z.object({ frame_id: z.string().max(200) });

export const GET = route({ auth: "anonymousApi", params }, async ({ ctx, params }) =>
  Response.json(toVideoFrameFeatures(await getVideoFrameOrThrow(await db(), ctx, params.frame_id))),
);
