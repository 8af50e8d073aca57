// GET /processed_videos/metadata/{file_id}_metadata.json (contracts/enhance-metadata.md
// "Metadata Format").
import { z } from "zod";
import { db } from "@/lib/db/client";
import { serveMedia } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";
import { processedFileOrThrow } from "@/lib/processing/find-process-job";

export const GET = route({ auth: "anonymousApi", params: z.object({ name: z.string() }) }, async ({ request, ctx, params }) =>
  serveMedia(request, await processedFileOrThrow(await db(), ctx, params.name, "metadata_extraction"), { notFoundMessage: "File not found" }),
);
