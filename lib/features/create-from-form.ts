import { randomUUID } from "node:crypto";
import { open } from "node:fs/promises";
import path from "node:path";
import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { FormInput } from "@/lib/http/route";
import type { Caller } from "@/lib/jobs";
import { parseJsonText } from "@/lib/http/route";
import { discardUpload } from "@/lib/http/multipart";
import { registerUpload } from "@/lib/videos/register-video";
import { sniffMedia } from "./fetch-url";
import { stageImage } from "./staged-images";

/**
 * The multipart variant of `POST /jobs/?job_type=extract_features`: a `payload` field with the
 * JSON body (optional), files in `video` fields (each becomes an upload of the caller's, added
 * to `videos` as its source_asset_id) and in `image:<product_id>` fields (product images,
 * staged in DATA_DIR/uploads/feature-images and named in the product's `uploaded_images`; a
 * product not in the payload is added). Answers the payload for createJob.
 */

export async function featurePayloadFromForm(db: Db, caller: Caller, form: FormInput): Promise<Record<string, unknown>> {
  const payload = (form.fields.payload ? parseJsonText(form.fields.payload) : {}) as Record<string, unknown>;
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) throw new AppError("bad_request", "Request body 'payload': must be a JSON object");
  for (const key of ["fps", "scene_threshold"] as const) if (form.fields[key] !== undefined) payload[key] = Number(form.fields[key]);
  const products = Array.isArray(payload.products) ? (payload.products as Record<string, unknown>[]) : [];
  const videos = Array.isArray(payload.videos) ? (payload.videos as Record<string, unknown>[]) : [];
  const staged: string[] = [];
  try {
    for (const file of form.files) {
      if (file.field === "video") {
        const { video } = await registerUpload(db, caller, file);
        videos.push({ source_asset_id: video.id, title: file.filename });
        continue;
      }
      const match = /^image:([A-Za-z0-9][A-Za-z0-9_.-]{0,63})$/.exec(file.field);
      if (!match) throw new AppError("bad_request", `Unexpected file field ${file.field}: use video or image:<product_id>`);
      const head = Buffer.alloc(64);
      const handle = await open(file.path, "r");
      await handle.read(head, 0, 64, 0).finally(() => handle.close());
      if (sniffMedia(head) !== "image") throw new AppError("unsupported_media", `${file.filename} is not an image`);
      const name = `upload_${randomUUID()}${path.extname(file.filename).toLowerCase().replace(/[^.a-z0-9]/g, "").slice(0, 9) || ".img"}`;
      staged.push(await stageImage(file.path, name));
      let product = products.find((candidate) => candidate.product_id === match[1]);
      if (!product) products.push((product = { product_id: match[1], images: [] }));
      product.uploaded_images = [...((product.uploaded_images as string[] | undefined) ?? []), name];
    }
  } catch (error) {
    await Promise.all(staged.map((file) => discardUpload(file)));
    throw error;
  }
  return { ...payload, products, videos };
}
