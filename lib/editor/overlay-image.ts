import { stat } from "node:fs/promises";
import path from "node:path";
import { eq } from "drizzle-orm";
import { db, type Db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Caller } from "@/lib/jobs/caller";
import { ownerCaller } from "@/lib/jobs/owner-caller";
import { probeJson } from "@/lib/media/ffmpeg";
import { resolveInside } from "@/lib/storage/resolve-inside";
import { getVideoOrThrow } from "@/lib/videos/get-video";

/**
 * A render overlay's picture as a file for ffmpeg, never a host path in an answer:
 * `source_asset_id` is an asset the caller may see (the upload route takes videos, so its
 * first frame is laid over, or the whole clip when it runs on), `image_name` a PNG, JPEG or
 * WebP file directly inside VIDEO_INPUT_DIR (no escapes). Either must hold a picture ffmpeg
 * can decode, or the job fails saying so.
 */
export const OVERLAY_IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg", ".webp"];

export type OverlayImageReference = { source_asset_id?: string; image_name?: string };

export async function resolveOverlayImage(database: Db, caller: Caller, reference: OverlayImageReference): Promise<string> {
  let file: string;
  if (reference.source_asset_id) {
    const asset = await getVideoOrThrow(database, caller, reference.source_asset_id);
    file = asset.path;
  } else {
    const name = reference.image_name ?? "";
    const dir = env().VIDEO_INPUT_DIR;
    const info = dir ? await stat(dir).catch(() => null) : null;
    if (!dir || !info?.isDirectory()) throw new AppError("bad_request", "Overlay image: VIDEO_INPUT_DIR is not configured");
    if (!OVERLAY_IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase())) throw new AppError("bad_request", `Overlay image ${name}: use a ${OVERLAY_IMAGE_EXTENSIONS.join(", ")} file`);
    file = await resolveInside(path.resolve(dir), name, {
      mustExist: true,
      invalid: { kind: "bad_request", message: `Overlay image ${name}: invalid name` },
      missing: { kind: "not_found", message: `Overlay image ${name} not found` },
    });
  }
  const probe = (await probeJson(file, ["-select_streams", "v:0", "-show_entries", "stream=width,height"]).catch(() => null)) as { streams?: { width?: number }[] } | null;
  if (!probe?.streams?.[0]?.width) throw new AppError("bad_request", "Overlay image is not a picture ffmpeg can read");
  return file;
}

/** The picture for a job's overlay, resolved for the job's owner (what the request could reach). */
export async function overlayImageForJob(jobId: string, reference: OverlayImageReference): Promise<string> {
  const database = await db();
  const [job] = await database.select({ ownerId: jobs.ownerId }).from(jobs).where(eq(jobs.id, jobId));
  return resolveOverlayImage(database, await ownerCaller(database, job?.ownerId ?? null), reference);
}
