// POST /process (contracts/reframer.md §3): multipart `file`, optional `fps` and `aspect`.
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { reframeOptionsSchema, reframeUpload } from "@/lib/reframer/start-reframe";

export const POST = route({ auth: "apiKey", input: "multipart", multipart: { fileFields: ["file"], maxFiles: 1, toStore: true }, doc: { fields: reframeOptionsSchema } }, async ({ ctx, form }) => {
  const job = await reframeUpload(await db(), ctx, form);
  return Response.json({ job_id: job.id, status: "queued", message: "Video queued for processing" });
});
