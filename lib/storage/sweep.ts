import type { Dirent } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { storageLayout } from "./layout";
import { isPartialFileName } from "./write-file";

/**
 * What a crash leaves behind: `.<name>.<8 hex>.part` siblings (write-file.ts writes through
 * them and renames) under uploads/ and jobs/, and anything in tmp/. A restarted step cleans
 * its own target's siblings before writing; this sweeps the rest, at start and then now and
 * again, taking only files untouched for `olderThanMs` (a write in flight keeps its mtime
 * fresh), or everything when nothing can be in flight (olderThanMs 0 before the server opens).
 */
export async function sweepStaleFiles(options: { dataDir?: string; olderThanMs: number; now?: number }): Promise<string[]> {
  const layout = storageLayout(options.dataDir);
  const cutoff = (options.now ?? Date.now()) - options.olderThanMs;
  const removed: string[] = [];
  const visit = async (dir: string, take: (name: string) => boolean, depth: number): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // not made yet, or gone meanwhile
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth > 0) await visit(full, take, depth - 1);
      } else if (entry.isFile() && take(entry.name)) {
        const info = await stat(full).catch(() => null);
        if (info && info.mtimeMs <= cutoff && (await rm(full, { force: true }).then(() => true, () => false))) {
          removed.push(path.relative(layout.root, full));
        }
      }
    }
  };
  // jobs/<id>/media/<sub folders>: a few levels; tmp/ holds only files being written.
  await visit(layout.jobs, isPartialFileName, 6);
  await visit(layout.uploads, isPartialFileName, 2);
  await visit(layout.work, isPartialFileName, 8);
  await visit(layout.tmp, () => true, 2);
  return removed;
}

const everyMs = 10 * 60_000;
const staleAfterMs = 30 * 60_000;

/**
 * server.ts, before it listens: one sweep (of everything when this process owns DATA_DIR, as
 * with PGlite; else of what is stale), then one every 10 minutes of what is 30 minutes stale.
 */
export async function startStorageSweep(options: { exclusive: boolean; log?: (message: string) => void }): Promise<() => void> {
  const log = options.log ?? ((message: string) => console.log(message));
  const report = (removed: string[]) => {
    if (removed.length) log(`[framewise] removed ${removed.length} unfinished file(s) left by an earlier run: ${removed.slice(0, 5).join(", ")}${removed.length > 5 ? ", ..." : ""}`);
  };
  report(await sweepStaleFiles({ olderThanMs: options.exclusive ? 0 : staleAfterMs }).catch(() => []));
  const timer = setInterval(() => void sweepStaleFiles({ olderThanMs: staleAfterMs }).then(report, () => {}), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
