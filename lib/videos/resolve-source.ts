import type { Db } from "@/lib/db/client";
import { AppError } from "@/lib/errors";
import type { Caller } from "@/lib/jobs/caller";
import { resolveServerVideo } from "@/lib/media/server-videos";
import { localVideoFile, mediaInfo } from "@/lib/storage/job-media";
import { getVideoOrThrow } from "./get-video";

/** How a job payload names its video (lib/videos/payload-fields.ts): never by a host path. */
export type SourceReference = { source_asset_id: string } | { video_name: string };

export type ResolvedSource = {
  /** The absolute file, for ffmpeg and the worker only: it never goes into an answer. */
  file: string;
  /** The video as its row names it (a path, or `store:<key>` in the object store: lib/storage/job-media.ts). */
  media: string;
  /** What answers may call it: the video's display name, or the name inside VIDEO_INPUT_DIR. */
  name: string;
  videoId: string | null;
};

/**
 * The one place a job's source becomes a file on the host of `jobId`'s step. `source_asset_id` is a video the caller may see
 * (its stored file, written by us into uploads/ or registered from VIDEO_INPUT_DIR);
 * `video_name` is a file inside VIDEO_INPUT_DIR (lib/media/server-videos.ts: no escapes, no
 * links out, supported types only). Anything else, or a file that is gone, is an AppError.
 */
export async function resolveSource(db: Db, caller: Caller, source: SourceReference, jobId: string): Promise<ResolvedSource> {
  if ("source_asset_id" in source) {
    const video = await getVideoOrThrow(db, caller, source.source_asset_id);
    if (!(await mediaInfo(video.path))) throw new AppError("not_found", `Video file not found: ${video.filename}`);
    return { file: await localVideoFile(video.path, jobId), media: video.path, name: video.filename, videoId: video.id };
  }
  const file = await resolveServerVideo(source.video_name).catch((error: unknown) => {
    // The contract's "Selected video not found" says less than which one, in a job's log.
    if (error instanceof AppError && error.kind === "not_found") throw new AppError("not_found", `Video file not found: ${source.video_name}`);
    throw error;
  });
  return { file, media: file, name: source.video_name, videoId: null };
}
