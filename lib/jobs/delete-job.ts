import { rm } from "node:fs/promises";
import path from "node:path";
import { and, eq, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs, videos, type Job } from "@/lib/db/schema";
import { discardJobMedia, removeVideoFile } from "@/lib/storage/job-media";
import { usesObjectStorage } from "@/lib/storage/object-store";
import { storageLayout } from "@/lib/storage/layout";
import type { Caller } from "./caller";
import { cancelJob } from "./cancel-job";
import { getChangeableJobOrThrow } from "./get-job";
import { publishJobDeleted } from "./publish";
import { finishedStatuses } from "./set-job-status";

/**
 * How long a deleted running job's steps get to notice: `cancellable` polls every 300 ms and a
 * detection chunk checks its job at each save (about once a second). The folder is removed
 * again after it, so a file a step finished meanwhile does not stay behind.
 */
const STOP_GRACE_MS = 1500;

export type DeletedJob = { id: string; kind: Job["kind"]; removedVideo: boolean };

/**
 * Deletes a job the caller may change (lib/jobs/caller.ts `canChange`), of any kind: a job that is still
 * running is cancelled first; then its rows (results, logs, frames, features: they cascade
 * from the job), its folder under DATA_DIR/jobs or its objects in the store, and the uploaded video it registered itself
 * (the job's `videoId`) when no other job uses that video. A server video (VIDEO_INPUT_DIR)
 * is never touched, and a video other jobs name stays.
 */
export async function deleteJob(db: Db, caller: Caller, jobId: string, options: { graceMs?: number } = {}): Promise<DeletedJob> {
  const job = await getChangeableJobOrThrow(db, caller, jobId, "delete it");
  const wasRunning = !finishedStatuses.includes(job.status);
  if (wasRunning) {
    // An engine that cannot take the cancel must not keep the job: a run that starts later
    // finds no row and ends ("Job <id> not found"); one in flight sees its row gone.
    await cancelJob(db, caller, job.id).catch(() => undefined);
  }

  await db.delete(jobs).where(eq(jobs.id, job.id));
  publishJobDeleted(job);
  const folder = jobFolder(job.id);
  const removeMedia = async () => {
    // A step still running may be writing into the folder as it goes: rm retries ENOTEMPTY.
    await rm(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    if (usesObjectStorage()) await discardJobMedia(job.id);
  };
  await removeMedia();
  const removedVideo = job.videoId ? await removeOwnUpload(db, job.videoId, job.id) : false;

  if (wasRunning) {
    await new Promise((resolve) => setTimeout(resolve, options.graceMs ?? STOP_GRACE_MS));
    await removeMedia();
  }
  return { id: job.id, kind: job.kind, removedVideo };
}

/** DATA_DIR/jobs/<id>: the media folder and anything else the job wrote beside it. */
function jobFolder(jobId: string): string {
  return path.join(storageLayout().jobs, jobId);
}

/** Removes an uploaded video (row and file) that no job other than `jobId` refers to. */
async function removeOwnUpload(db: Db, videoId: string, jobId: string): Promise<boolean> {
  const [video] = await db.select().from(videos).where(eq(videos.id, videoId));
  if (!video || video.source !== "upload") return false;
  const [other] = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(
        ne(jobs.id, jobId),
        or(eq(jobs.videoId, videoId), sql`${jobs.payload}->>'videoId' = ${videoId}`, sql`${jobs.payload}->>'source_asset_id' = ${videoId}`),
      ),
    )
    .limit(1);
  if (other) return false;
  await db.delete(videos).where(eq(videos.id, videoId));
  await removeVideoFile(video.path);
  return true;
}
