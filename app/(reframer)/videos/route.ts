// GET /videos (contracts/reframer.md §6): the caller's videos, newest first.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { listVideos, videoStatuses } from "@/lib/videos/list-videos";
import { toReframerVideoList } from "@/lib/videos/serializers";

const query = z.object({
  status: z.enum(videoStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});

// auth "apiKey" guarantees a user: a request without a valid key never reaches the handler.
export const GET = route({ auth: "apiKey", query }, async ({ ctx, query }) =>
  Response.json(toReframerVideoList(await listVideos(await db(), { ownerId: ctx.user!.id, ...query }))),
);
