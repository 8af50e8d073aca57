import { inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs, videos } from "@/lib/db/schema";
import { storedPath } from "@/lib/storage/job-media";
import { objectStore, usesObjectStorage, type ObjectStore } from "@/lib/storage/object-store";
import type { S3Store } from "@/lib/storage/s3-store";
import { WORKER_SCRATCH_PREFIX } from "@/lib/inference/worker-media";

/** Objects nobody refers to are removed once they are this old: no write in flight is as slow. */
export const ORPHAN_AGE_MS = 24 * 3600 * 1000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type OrphanSweep = { jobs: number; uploads: number; scratch: number; multipartUploads: number };

/**
 * With object storage, what a crash or a lost delete leaves in the store: the media of a job
 * whose row is gone (jobs/<id>/...), uploads/ objects no video row names, workers' scratch/
 * copies, and multipart uploads a dead writer began. Each is removed once older than `olderThanMs`, so nothing being written
 * now is touched. On local disk lib/storage/sweep.ts does the same for the data folder.
 */
export async function sweepOrphanMedia(db: Db, options: { olderThanMs?: number; now?: number; store?: ObjectStore } = {}): Promise<OrphanSweep> {
  const swept: OrphanSweep = { jobs: 0, uploads: 0, scratch: 0, multipartUploads: 0 };
  if (!options.store && !usesObjectStorage()) return swept;
  const store = options.store ?? (await objectStore());
  const cutoff = (options.now ?? Date.now()) - (options.olderThanMs ?? ORPHAN_AGE_MS);

  // A job's folder is old when its newest object is.
  const newest = new Map<string, number>();
  for await (const object of store.list("jobs/")) {
    const id = object.key.split("/")[1];
    newest.set(id, Math.max(newest.get(id) ?? 0, object.modifiedMs));
  }
  const stale = [...newest].filter(([, modified]) => modified < cutoff).map(([id]) => id);
  const known = new Set<string>();
  for (const batch of chunks(stale.filter((id) => UUID.test(id)), 500)) {
    for (const row of await db.select({ id: jobs.id }).from(jobs).where(inArray(jobs.id, batch))) known.add(row.id);
  }
  for (const id of stale.filter((id) => !known.has(id))) {
    await store.removeAll(`jobs/${id}/`);
    swept.jobs++;
  }

  const oldUploads: string[] = [];
  for await (const object of store.list("uploads/")) if (object.modifiedMs < cutoff) oldUploads.push(object.key);
  const named = new Set<string>();
  for (const batch of chunks(oldUploads, 500)) {
    const rows = await db.select({ path: videos.path }).from(videos).where(inArray(videos.path, batch.map(storedPath)));
    for (const row of rows) named.add(row.path);
  }
  for (const key of oldUploads.filter((key) => !named.has(storedPath(key)))) {
    await store.remove(key);
    swept.uploads++;
  }

  // Copies made for workers (lib/inference/worker-media.ts) go when their request ends; a crash leaves them.
  for await (const object of store.list(WORKER_SCRATCH_PREFIX)) {
    if (object.modifiedMs >= cutoff) continue;
    await store.remove(object.key);
    swept.scratch++;
  }

  if (store.kind === "s3") swept.multipartUploads = await (store as S3Store).abortStaleUploads(options.olderThanMs ?? ORPHAN_AGE_MS, options.now);
  return swept;
}

function chunks<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));
}

/** server.ts: a sweep at start and then every hour, when media lives in an object store. */
export function startOrphanMediaSweep(db: () => Promise<Db>, log: (message: string) => void = console.log): () => void {
  if (!usesObjectStorage()) return () => undefined;
  const sweep = async () => {
    const swept = await sweepOrphanMedia(await db());
    if (swept.jobs + swept.uploads + swept.scratch + swept.multipartUploads > 0) {
      log(`[framewise] removed from the object store: media of ${swept.jobs} deleted job(s), ${swept.uploads} unused upload(s), ${swept.scratch} workers' scratch copies, ${swept.multipartUploads} abandoned multipart upload(s)`);
    }
  };
  const run = () => void sweep().catch(() => undefined);
  run();
  const timer = setInterval(run, 3600 * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
