import { createReadStream } from "node:fs";
import { copyFile, mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { AppError } from "@/lib/errors";
import { checkKey, checkPrefix, type ListedObject, type ObjectStore, type StoredObject, type WriteOptions } from "./object-store";
import { isPartialFileName, produceFileAtomic, writeStreamToFile } from "./write-file";

/**
 * The embedded default: keys are paths under the data folder, written through a temporary
 * sibling and renamed into place (lib/storage/write-file.ts), read with the file system's own
 * ranges. Workers on this host read the files in place.
 */
export class LocalStore implements ObjectStore {
  readonly kind = "local" as const;

  constructor(private readonly root: string) {}

  /** The file behind a key: the key is checked, so it never leaves the root. */
  fileOf(key: string): string {
    return path.join(this.root, ...checkKey(key).split("/"));
  }

  async write(key: string, body: Readable | AsyncIterable<Uint8Array>, options: WriteOptions = {}): Promise<{ size: number; sha256: string }> {
    const { size, sha256 } = await writeStreamToFile(this.fileOf(key), body, options);
    return { size, sha256 };
  }

  async upload(key: string, file: string): Promise<void> {
    const target = this.fileOf(key);
    if (path.resolve(file) === target) return;
    await produceFileAtomic(target, (partial) => copyFile(file, partial));
  }

  async stat(key: string): Promise<StoredObject | null> {
    const info = await stat(this.fileOf(key)).catch(() => null);
    return info?.isFile() ? { size: info.size, modifiedMs: info.mtimeMs } : null;
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const file = this.fileOf(key);
    if (!(await this.stat(key))) throw new AppError("not_found", "file_missing");
    return createReadStream(file, range ?? {});
  }

  async download(key: string, file: string): Promise<void> {
    const source = this.fileOf(key);
    if (path.resolve(file) === source) return;
    await mkdir(path.dirname(file), { recursive: true });
    await copyFile(source, file).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "ENOENT" ? new AppError("not_found", "file_missing") : error;
    });
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    const folder = this.fileOf(checkPrefix(prefix).slice(0, -1));
    for await (const file of walk(folder)) {
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) continue;
      const key = path.relative(this.root, file).split(path.sep).join("/");
      yield { key, size: info.size, modifiedMs: info.mtimeMs };
    }
  }

  async remove(key: string): Promise<void> {
    await rm(this.fileOf(key), { force: true });
  }

  async removeAll(prefix: string): Promise<number> {
    let count = 0;
    for await (const _ of this.list(prefix)) count++;
    await rm(this.fileOf(checkPrefix(prefix).slice(0, -1)), { recursive: true, force: true });
    return count;
  }

  async inputUrl(key: string): Promise<string> {
    return this.fileOf(key);
  }

  async outputUrl(key: string): Promise<string> {
    return this.fileOf(key);
  }

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }
}

/** Every file under `folder`, depth first; half-written siblings are not objects yet. */
async function* walk(folder: string): AsyncIterable<string> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(file);
    else if (entry.isFile() && !isPartialFileName(entry.name)) yield file;
  }
}
