import { mkdir } from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { usesObjectStorage } from "./object-store";

/**
 * The one on-disk layout under DATA_DIR:
 *   uploads/             accepted uploads, one file per video
 *   jobs/<jobId>/media/  what a job produces and the media routes serve (snapshots, clips, ...)
 *   tmp/                 files being written; renamed into place when complete
 *   work/                with object storage (STORAGE_URL) only: each host's working copies, as
 *                        work/jobs/<jobId>/media/ (made here, then published to the store) and
 *                        work/jobs/<jobId>/source.<ext> (its video, fetched to read), removed
 *                        when the job ends
 * Everything lives on one file system so that moving a finished file is an atomic rename.
 */
export interface StorageLayout {
  root: string;
  uploads: string;
  jobs: string;
  tmp: string;
  work: string;
}

export function storageLayout(dataDir: string = env().dataDir): StorageLayout {
  const root = path.resolve(dataDir);
  return {
    root,
    uploads: path.join(root, "uploads"),
    jobs: path.join(root, "jobs"),
    tmp: path.join(root, "tmp"),
    work: path.join(root, "work"),
  };
}

/** Creates the layout's folders; cheap enough to call before each write path is used. */
export async function ensureStorageLayout(dataDir?: string): Promise<StorageLayout> {
  const layout = storageLayout(dataDir);
  await Promise.all([layout.uploads, layout.jobs, layout.tmp].map((dir) => mkdir(dir, { recursive: true })));
  return layout;
}

// Job ids are uuids/ulids/cuids; anything else never names a folder.
const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * The folder a job's media is written to on this host: on local disk also the one it is served
 * from; with object storage a working folder whose files lib/storage/job-media.ts publishes.
 */
export function jobMediaDir(jobId: string, dataDir?: string): string {
  if (!JOB_ID.test(jobId)) throw new AppError("not_found", "invalid_job");
  const layout = storageLayout(dataDir);
  return path.join(usesObjectStorage() ? path.join(layout.work, "jobs") : layout.jobs, jobId, "media");
}
