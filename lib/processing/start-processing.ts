import type { Db } from "@/lib/db/client";
import type { Video } from "@/lib/db/schema";
import type { EnhancePreset } from "@/lib/media/enhance";
import { AppError, isAppError } from "@/lib/errors";
import { createJob, type Caller } from "@/lib/jobs";
import { publish, topics } from "@/lib/ws/hub";
import { toUploadStatus } from "./process-status";

/**
 * After an upload (contracts/enhance-metadata.md "Processing Flow"): tell the client's socket
 * the file is in, then start enhancement and metadata extraction as two jobs that run side by
 * side and fail alone. A job that cannot be queued is a 500, as the contract says.
 */
export async function startProcessing(
  db: Db,
  caller: Caller,
  input: { video: Video; clientId: string | null; preset: EnhancePreset; scale?: 2 | 4 },
): Promise<{ fileId: string }> {
  const { video, clientId } = input;
  if (clientId) publish(topics.client(clientId), toUploadStatus(video.id, video.createdAt), { ownerId: video.ownerId });
  const common = { videoId: video.id, clientId };
  try {
    await Promise.all([
      createJob(db, caller, { ...common, kind: "enhance", payload: { source_asset_id: video.id, preset: input.preset, ...(input.preset === "upscale" ? { scale: input.scale ?? 2 } : {}) } }),
      createJob(db, caller, { ...common, kind: "metadata", payload: { source_asset_id: video.id } }),
    ]);
  } catch (error) {
    const reason = isAppError(error) ? error.message : "unexpected error";
    throw new AppError("internal", `Error queueing video for processing: ${reason}`);
  }
  return { fileId: video.id };
}
