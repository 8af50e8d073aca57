// GET /processed_videos/enhanced_{file_id}.{extension} (contracts/enhance-metadata.md
// "Processing Flow" 6): the enhanced video, with Range.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { serveMedia } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";
import { processedFileOrThrow } from "@/lib/processing/find-process-job";

export const GET = route({ auth: "anonymousApi", params: z.object({ name: z.string() }) }, async ({ request, ctx, params }) =>
  serveMedia(request, await processedFileOrThrow(await db(), ctx, params.name, "video_enhancement"), { notFoundMessage: "File not found" }),
);
