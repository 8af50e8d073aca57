// GET /internal/video-enhancement-status/{file_id} (contracts/enhance-metadata.md): status, progress,
// error, last_updated (and result_url once completed); 404 "File not found".
import { z } from "zod";
import { route } from "@/lib/http/route";
import { processStatusResponse } from "@/lib/processing/status-response";

export const GET = route({ auth: "anonymousApi", params: z.object({ file_id: z.string() }) }, async ({ request, ctx, params }) =>
  processStatusResponse(request, ctx, params.file_id, "video_enhancement"),
);
