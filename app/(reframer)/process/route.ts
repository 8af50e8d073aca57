// POST /process (contracts/reframer.md §3): multipart `file`, optional `fps` and `aspect`.
import { db } from "@/lib/db/client";
import { AppError, hasErrorCode } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { parseReframeOptions, reframeOptionsSchema, startReframe } from "@/lib/reframer/start-reframe";
import { registerUpload } from "@/lib/videos/register-video";

export const POST = route({ auth: "apiKey", input: "multipart", multipart: { fileFields: ["file"], maxFiles: 1, toStore: true }, doc: { fields: reframeOptionsSchema } }, async ({ ctx, form }) => {
  const options = parseReframeOptions(form.fields);
  const file = form.files.find((candidate) => candidate.field === "file");
  if (!file) throw new AppError("bad_request", "No file uploaded (multipart field 'file')");
  const database = await db();
  const { video, probe } = await registerUpload(database, ctx, file).catch((error: unknown) => {
    // The contract's words for a file that is not one of its formats (an empty file keeps its own).
    if (hasErrorCode(error, ["unsupported_format", "not_a_video"])) throw new AppError("bad_request", "Invalid file format");
    throw error;
  });
  const job = await startReframe(database, ctx, { video, probe, options });
  return Response.json({ job_id: job.id, status: "queued", message: "Video queued for processing" });
});
