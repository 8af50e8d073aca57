import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { jobs, type Job } from "@/lib/db/schema";
import { subscribe, topics } from "@/lib/ws/hub";

/**
 * The jobs callers are reading lately, kept in this process so that a client polling a job
 * many times a second costs a database read when the job changes rather than on every request.
 *
 * Every write to a job is announced on its `job:<id>` topic (lib/jobs/publish.ts: status,
 * progress, log lines, deletion), and each remembered job listens there: any message forgets
 * the job, and the next read goes to the database. Within this process a cancelled or finished
 * job is therefore seen at once. SNAPSHOT_MS bounds what this process might not hear (a write
 * announced on another replica where the hub does not reach it, a row changed by hand): after
 * it the row is read again, as every poll did before.
 *
 * Beside the row, a caller may keep what it derives from the job (`jobExtra`: its log lines,
 * a feature job's counts), forgotten with it.
 */
export const SNAPSHOT_MS = 1000;
const SNAPSHOT_SIZE = 2000;

type Entry = {
  job?: Job;
  at: number;
  extras: Map<string, { value: unknown; at: number }>;
  /** Bumped by every announcement: a read that straddles one is not kept. */
  version: number;
  unsubscribe: () => void;
};
type Snapshots = Map<string, Entry>;

// One set per database (tests open several in one process), on globalThis: Next bundles route
// handlers apart from server.ts and the engine's steps, and all must forget a job together.
const snapshotsByDb: WeakMap<Db, Snapshots> = ((globalThis as { __framewiseJobSnapshots?: WeakMap<Db, Snapshots> }).__framewiseJobSnapshots ??= new WeakMap());

function snapshotsOf(db: Db): Snapshots {
  let snapshots = snapshotsByDb.get(db);
  if (!snapshots) snapshotsByDb.set(db, (snapshots = new Map()));
  return snapshots;
}

/** The entry for a job, listening on its topic from before the first read. */
function entryOf(snapshots: Snapshots, jobId: string): Entry {
  const known = snapshots.get(jobId);
  if (known) return known;
  const entry: Entry = { at: 0, extras: new Map(), version: 0, unsubscribe: () => {} };
  entry.unsubscribe = subscribe(topics.job(jobId), () => {
    entry.version += 1;
    entry.job = undefined;
    entry.extras.clear();
  });
  snapshots.set(jobId, entry);
  // Oldest first out (a Map iterates in insertion order).
  while (snapshots.size > SNAPSHOT_SIZE) drop(snapshots, snapshots.keys().next().value!);
  return entry;
}

function drop(snapshots: Snapshots, jobId: string): void {
  snapshots.get(jobId)?.unsubscribe();
  snapshots.delete(jobId);
}

/** The job's row as last announced, or read from the database; undefined when there is none. */
export async function readJob(db: Db, jobId: string): Promise<Job | undefined> {
  const snapshots = snapshotsOf(db);
  const entry = entryOf(snapshots, jobId);
  if (entry.job && Date.now() - entry.at < SNAPSHOT_MS) return entry.job;
  const version = entry.version;
  const [job] = await db.select().from(jobs).where(eq(jobs.id, jobId));
  if (!job) {
    // Unknown ids are not remembered: anyone may ask for any number of them.
    if (snapshots.get(jobId) === entry && !entry.job) drop(snapshots, jobId);
    return undefined;
  }
  if (entry.version === version && snapshots.get(jobId) === entry) {
    entry.job = job;
    entry.at = Date.now();
  }
  return job;
}

/**
 * What `compute` derives from a job the caller has already read (through readJob), kept with
 * the job's snapshot under `name` and forgotten with it. Only for values that change when, and
 * only when, the job's topic hears of it.
 */
export async function jobExtra<T>(db: Db, jobId: string, name: string, compute: () => Promise<T>): Promise<T> {
  const snapshots = snapshotsOf(db);
  const entry = snapshots.get(jobId);
  const known = entry?.extras.get(name);
  if (entry && known && Date.now() - known.at < SNAPSHOT_MS) return known.value as T;
  const version = entry?.version;
  const value = await compute();
  if (entry && entry.version === version && snapshots.get(jobId) === entry) entry.extras.set(name, { value, at: Date.now() });
  return value;
}
