// POST /upload (contracts/enhance-metadata.md "Upload Video"): multipart `file`, optional
// `client_id` and `preset`; starts enhancement and metadata extraction side by side.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { AppError, hasErrorCode } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { ENHANCE_PRESETS } from "@/lib/media/enhance";
import { startProcessing } from "@/lib/processing/start-processing";
import { registerUpload } from "@/lib/videos/register-video";

const fields = z.looseObject({
  client_id: z.string().regex(/^[A-Za-z0-9._~-]{1,128}$/, "must be 1-128 letters, digits or . _ ~ -").optional(),
  preset: z.enum(ENHANCE_PRESETS).optional(),
  /** For the upscale preset: 2 (default) or 4. */
  scale: z.enum(["2", "4"]).optional(),
});

export const POST = route(
  { auth: "anonymousApi", input: "multipart", body: fields, multipart: { fileFields: ["file"], maxFiles: 1, toStore: true } },
  async ({ ctx, body, form: { files } }) => {
    const file = files.find((candidate) => candidate.field === "file");
    if (!file) throw new AppError("bad_request", "File is not a video");
    // The declared type must not say something else; the content decides the rest.
    if (file.mimeType && !/^(video\/|application\/octet-stream$)/i.test(file.mimeType)) throw new AppError("bad_request", "File is not a video");
    const database = await db();
    const { video } = await registerUpload(database, ctx, file).catch((error: unknown) => {
      // The contract's words for anything that is not a video it takes (empty, text, a picture, another format).
      if (hasErrorCode(error, ["not_a_video", "empty_video", "unsupported_format"])) throw new AppError("bad_request", "File is not a video");
      throw error;
    });
    const { fileId } = await startProcessing(database, ctx, { video, clientId: body.client_id ?? null, preset: body.preset ?? "auto", scale: body.scale === "4" ? 4 : 2 });
    return Response.json({ file_id: fileId, message: "Video uploaded successfully" });
  },
);
