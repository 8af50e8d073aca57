import { opendir, stat } from "node:fs/promises";
import path from "node:path";
import { count, inArray } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs } from "@/lib/db/schema";
import { env } from "@/lib/env";

export type StorageUsage = { folders: { name: string; bytes: number; files: number }[]; bytes: number; files: number };

/**
 * What DATA_DIR holds, per top-level folder (uploads, jobs, tmp, db...): walked entry by entry
 * (no list of every file in memory), links not followed, unreadable parts skipped.
 */
export async function storageUsage(root: string = env().dataDir): Promise<StorageUsage> {
  const folders = new Map<string, { bytes: number; files: number }>();
  const add = (name: string, bytes: number) => {
    const entry = folders.get(name) ?? { bytes: 0, files: 0 };
    entry.bytes += bytes;
    entry.files += 1;
    folders.set(name, entry);
  };
  const walk = async (dir: string, top: string | null) => {
    let handle;
    try {
      handle = await opendir(dir);
    } catch {
      return;
    }
    for await (const entry of handle) {
      const full = path.join(dir, entry.name);
      const name = top ?? entry.name;
      if (entry.isDirectory()) {
        if (!folders.has(name)) folders.set(name, { bytes: 0, files: 0 });
        await walk(full, name);
      } else if (entry.isFile()) {
        add(top ?? "(top level)", await stat(full).then((s) => s.size).catch(() => 0));
      }
    }
  };
  await walk(path.resolve(root), null);
  const list = [...folders].map(([name, usage]) => ({ name, ...usage })).sort((a, b) => b.bytes - a.bytes);
  return { folders: list, bytes: list.reduce((sum, f) => sum + f.bytes, 0), files: list.reduce((sum, f) => sum + f.files, 0) };
}

/** Jobs waiting and running, per kind: the queue as the jobs table sees it. */
export async function jobQueue(db: Db): Promise<{ kind: string; status: string; jobs: number }[]> {
  const rows = await db
    .select({ kind: jobs.kind, status: jobs.status, n: count() })
    .from(jobs)
    .where(inArray(jobs.status, ["pending", "queued", "in_progress"]))
    .groupBy(jobs.kind, jobs.status);
  return rows.map((row) => ({ kind: row.kind, status: row.status, jobs: Number(row.n) }));
}
