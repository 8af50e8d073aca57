// GET /results/{job_id}/reframed.mp4: the reframed video, with Range.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { serveJobMedia } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";
import { getReframeJob } from "@/lib/reframer/job";

const params = z.object({ job_id: z.string() });

const handler = route({ auth: "apiKey", params }, async ({ request, ctx, params }) => {
  const job = await getReframeJob(await db(), ctx, params.job_id);
  if (job.status !== "completed" || !(job.resultPayload as { reframe?: unknown } | null)?.reframe) throw new AppError("not_found", "Reframed video not found");
  return serveJobMedia(request, job.id, "reframed.mp4", "Reframed video not found");
});

export const GET = handler;
export const HEAD = handler;
