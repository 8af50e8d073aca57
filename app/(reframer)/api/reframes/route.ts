// POST /api/reframes: POST /process (contracts/reframer.md §3) for the signed-in browser, which
// has a session rather than an API key (the Reframe form, app/(dashboard)/reframes/new).
import { db } from "@/lib/db/client";
import { route } from "@/lib/http/route";
import { reframeOptionsSchema, reframeUpload } from "@/lib/reframer/start-reframe";

export const POST = route({ auth: "session", input: "multipart", multipart: { fileFields: ["file"], maxFiles: 1, toStore: true }, doc: { fields: reframeOptionsSchema } }, async ({ ctx, form }) => {
  const job = await reframeUpload(await db(), ctx, form);
  return Response.json({ job_id: job.id, status: "queued" });
});
