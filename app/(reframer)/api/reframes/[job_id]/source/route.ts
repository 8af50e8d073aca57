// GET /api/reframes/{job_id}/source: the job's uploaded video, with Range, for its owner's results page.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { serveMedia } from "@/lib/http/media-response";
import { route } from "@/lib/http/route";
import { getReframeJob } from "@/lib/reframer/job";
import { getVideoOrThrow } from "@/lib/videos/get-video";

const params = z.object({ job_id: z.string() });

const handler = route({ auth: "session", params }, async ({ request, ctx, params }) => {
  const database = await db();
  const job = await getReframeJob(database, ctx, params.job_id);
  if (!job.videoId) throw new AppError("not_found", "Video not found");
  return serveMedia(request, (await getVideoOrThrow(database, ctx, job.videoId)).path);
});

export const GET = handler;
export const HEAD = handler;
