// POST /api/jobs/start (contracts/cabin-events.md "Create Job (server file)"): form tripId + videoName.
import { startAnalysis, parseAnalysisOptions } from "@/lib/analysis/start-analysis";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { rememberAnonymousJob } from "@/lib/http/browser-jobs-cookie";
import { route } from "@/lib/http/route";
import { resolveServerVideo } from "@/lib/media/server-videos";
import { registerServerVideo } from "@/lib/videos/register-video";

export const POST = route({ auth: "anonymousApi", input: "form", ownTextChecks: ["videoName"] }, async ({ request, ctx, form: { fields } }) => {
  const tripId = fields.tripId?.trim();
  if (!tripId) throw new AppError("bad_request", "tripId is required");
  if (!fields.videoName) throw new AppError("bad_request", "videoName is required");
  const options = parseAnalysisOptions(fields.options);
  const absolutePath = await resolveServerVideo(fields.videoName);
  const database = await db();
  const { video, probe } = await registerServerVideo(database, ctx, absolutePath, fields.videoName);
  const job = await startAnalysis(database, ctx, { video, probe, tripId, options, clientId: fields.client_id || null });
  return rememberAnonymousJob(request, Response.json({ job_id: job.id }), job);
});
