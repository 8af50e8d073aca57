import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { videos, type Video } from "@/lib/db/schema";
import type { UploadedFile } from "@/lib/http/multipart";
import type { Caller } from "@/lib/jobs/caller";
import type { VideoProbe } from "@/lib/media/probe";
import { validateVideo } from "@/lib/media/validate";
import { discardUpload } from "@/lib/http/multipart";
import { storedKey, storedPath, mediaInput } from "@/lib/storage/job-media";
import { ensureStorageLayout } from "@/lib/storage/layout";
import { objectStore, uploadKey, usesObjectStorage } from "@/lib/storage/object-store";
import { moveFile, removeQuietly } from "@/lib/storage/write-file";

/** What is kept of a probe on the video row (the raw ffprobe output stays out of the list views). */
function summaryOf(probe: VideoProbe): Record<string, unknown> {
  const { raw: _raw, path: _path, ...summary } = probe;
  return summary;
}

/**
 * Anonymous callers share the machine with everyone: their videos are capped at
 * ANONYMOUS_MAX_VIDEO_MINUTES, so that one long video cannot hold a processing slot for hours.
 */
export function maxDurationFor(caller: Caller): number | undefined {
  return caller.user || caller.isAdmin ? undefined : env().ANONYMOUS_MAX_VIDEO_MINUTES * 60;
}

/**
 * An uploaded file becomes a video: validated (a refused file is deleted and the reason given
 * as a bad request), then kept under uploads/ with a fresh name: moved there on local disk, or,
 * with object storage, already written there by the upload and validated through a presigned
 * read (a temporary file from a form that did not stream to the store is copied in). The
 * client's name is kept only for display.
 */
export async function registerUpload(db: Db, caller: Caller, file: UploadedFile): Promise<{ video: Video; probe: VideoProbe }> {
  const kept = storedKey(file.path);
  let probe: VideoProbe;
  try {
    probe = await validateVideo(kept ? await mediaInput(file.path) : file.path, { fileName: file.filename, maxDurationSeconds: maxDurationFor(caller) });
  } catch (error) {
    await discardUpload(file.path);
    throw error;
  }
  const id = kept ? path.basename(kept, path.extname(kept)) : randomUUID();
  const stored = kept ? file.path : await keepUpload(file.path, `${id}${path.extname(file.filename).toLowerCase()}`);
  const [video] = await db
    .insert(videos)
    .values({
      id,
      ownerId: caller.user?.id ?? null,
      filename: file.filename,
      path: stored,
      source: "upload",
      sha256: file.sha256,
      sizeBytes: file.size,
      durationSeconds: probe.duration,
      metadata: summaryOf(probe),
    })
    .returning();
  return { video, probe: { ...probe, path: stored } };
}

/** A validated temporary file into uploads/: the store's (removing the file) or the data folder's. */
async function keepUpload(file: string, name: string): Promise<string> {
  if (usesObjectStorage()) {
    const key = uploadKey(name);
    try {
      await (await objectStore()).upload(key, file);
    } finally {
      await removeQuietly(file);
    }
    return storedPath(key);
  }
  const { uploads } = await ensureStorageLayout();
  const target = path.join(uploads, name);
  await moveFile(file, target);
  return target;
}

/** A file in VIDEO_INPUT_DIR (already resolved inside it) becomes a video, analysed in place. */
export async function registerServerVideo(db: Db, caller: Caller, absolutePath: string, name: string): Promise<{ video: Video; probe: VideoProbe }> {
  const probe = await validateVideo(absolutePath, { maxDurationSeconds: maxDurationFor(caller) });
  const [video] = await db
    .insert(videos)
    .values({
      ownerId: caller.user?.id ?? null,
      filename: name,
      path: absolutePath,
      source: "server",
      sizeBytes: probe.fileSize,
      durationSeconds: probe.duration,
      metadata: summaryOf(probe),
    })
    .returning();
  return { video, probe };
}
