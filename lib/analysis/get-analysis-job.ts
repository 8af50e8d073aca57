import { stat } from "node:fs/promises";
import { proxyFileName } from "./event-media";
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { videos, type Job } from "@/lib/db/schema";
import { AppError, isAppError } from "@/lib/errors";
import { getJobOrThrow, type Caller } from "@/lib/jobs";
import { findJobMedia, mediaInfo } from "@/lib/storage/job-media";
import { jobMediaDir } from "@/lib/storage/layout";
import { usesObjectStorage } from "@/lib/storage/object-store";

/**
 * An analysis job as contracts/cabin-events.md sees it: anything else, or a job the caller may
 * not see, is `invalid_job`.
 */
export async function findAnalysisJob(db: Db, caller: Caller, jobId: string): Promise<Job | null> {
  try {
    const job = await getJobOrThrow(db, caller, jobId);
    return job.kind === "analyze" ? job : null;
  } catch (error) {
    if (isAppError(error) && error.kind === "not_found") return null;
    throw error;
  }
}

export async function getAnalysisJobOrThrow(db: Db, caller: Caller, jobId: string): Promise<Job> {
  const job = await findAnalysisJob(db, caller, jobId);
  if (!job) throw new AppError("not_found", "invalid_job");
  return job;
}

/**
 * An analysis job the caller may change, not only see: their own, or any for an admin. An
 * anonymous job is readable by whoever holds its id, but nobody owns it to change it; to anyone
 * else the job is `invalid_job`, as when it does not exist.
 */
export async function getOwnedAnalysisJobOrThrow(db: Db, caller: Caller, jobId: string): Promise<Job> {
  const job = await findAnalysisJob(db, caller, jobId);
  const owns = caller.isAdmin || (caller.user !== null && job?.ownerId === caller.user.id);
  if (!job || !owns) throw new AppError("not_found", "invalid_job");
  return job;
}

/**
 * A file the job produced, as a media path (lib/storage/job-media.ts): resolved inside its media
 * folder on disk, or its object in the store (escapes and misses are file_missing).
 */
export async function jobMediaFile(db: Db, caller: Caller, jobId: string, name: string): Promise<string> {
  const job = await findAnalysisJob(db, caller, jobId);
  if (!job) throw new AppError("not_found", "not_found");
  if (!usesObjectStorage() && !(await stat(jobMediaDir(job.id)).then((s) => s.isDirectory(), () => false))) throw new AppError("not_found", "no_assets");
  return findJobMedia(job.id, name, { kind: "not_found", message: "file_missing" });
}

/** The video the job analysed (a media path): its web-playable proxy once made, else the original. */
export async function jobSourceFile(db: Db, caller: Caller, jobId: string): Promise<string> {
  const job = await getAnalysisJobOrThrow(db, caller, jobId);
  const proxy = await findJobMedia(job.id, proxyFileName, { kind: "not_found", message: "file_missing" }).catch((error: unknown) => {
    if (isAppError(error) && error.kind === "not_found") return null;
    throw error;
  });
  if (proxy && (await mediaInfo(proxy))) return proxy;
  const [video] = job.videoId ? await db.select({ path: videos.path }).from(videos).where(eq(videos.id, job.videoId)) : [];
  if (!video) throw new AppError("not_found", "file_missing");
  return video.path;
}
