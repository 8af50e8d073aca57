// POST /api/jobs/start (contracts/cabin-events.md "Create Job (server file)"): form tripId + videoName.
import { startAnalysis, parseAnalysisOptions } from "@/lib/analysis/start-analysis";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { resolveServerVideo } from "@/lib/media/server-videos";
import { registerServerVideo } from "@/lib/videos/register-video";

async function formFields(request: Request): Promise<Record<string, string>> {
  const type = request.headers.get("content-type")?.toLowerCase() ?? "";
  const text = await request.text();
  if (type.startsWith("application/json")) {
    try {
      const body = JSON.parse(text || "{}");
      return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
    } catch {
      throw new AppError("bad_request", "Request body is not valid JSON");
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

export const POST = route({ auth: "anonymousApi" }, async ({ request, ctx }) => {
  const fields = await formFields(request);
  const tripId = fields.tripId?.trim();
  if (!tripId) throw new AppError("bad_request", "tripId is required");
  if (!fields.videoName) throw new AppError("bad_request", "videoName is required");
  const options = parseAnalysisOptions(fields.options);
  const absolutePath = await resolveServerVideo(fields.videoName);
  const database = await db();
  const { video, probe } = await registerServerVideo(database, ctx, absolutePath, fields.videoName);
  const job = await startAnalysis(database, ctx, { video, probe, tripId, options, clientId: fields.client_id || null });
  return Response.json({ job_id: job.id });
});
