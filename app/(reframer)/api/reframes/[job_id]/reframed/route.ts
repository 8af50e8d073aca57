// GET /api/reframes/{job_id}/reframed: the reframed video, with Range, for its owner's results page.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { serveMedia } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";
import { getReframeJob } from "@/lib/reframer/job";
import { findJobMedia } from "@/lib/storage/job-media";

const params = z.object({ job_id: z.string() });

const handler = route({ auth: "session", params }, async ({ request, ctx, params }) => {
  const job = await getReframeJob(await db(), ctx, params.job_id);
  return serveMedia(request, await findJobMedia(job.id, "reframed.mp4", { kind: "not_found", message: "Reframed video not found" }));
});

export const GET = handler;
export const HEAD = handler;
