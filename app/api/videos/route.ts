// POST /api/videos: the signed-in browser uploads a video (multipart `file`) and gets its id,
// for the editor jobs that take a source_asset_id (contracts/editor-jobs.md has no upload).
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { registerUpload } from "@/lib/videos/register-video";

export const POST = route({ auth: "session", input: "multipart", multipart: { fileFields: ["file"], maxFiles: 1, toStore: true } }, async ({ ctx, form }) => {
  const file = form.files.find((candidate) => candidate.field === "file");
  if (!file) throw new AppError("bad_request", "Choose a video first");
  const { video, probe } = await registerUpload(await db(), ctx, file);
  return Response.json({ video_id: video.id, filename: video.filename, duration: probe.duration });
});
