// GET /api/reframes/{job_id}/reframed: the reframed video, with Range, for its owner's results page.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { serveJobMedia } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";
import { getReframeJob } from "@/lib/reframer/job";

const params = z.object({ job_id: z.string() });

const handler = route({ auth: "session", params }, async ({ request, ctx, params }) => {
  const job = await getReframeJob(await db(), ctx, params.job_id);
  return serveJobMedia(request, job.id, "reframed.mp4", "Reframed video not found");
});

export const GET = handler;
export const HEAD = handler;
