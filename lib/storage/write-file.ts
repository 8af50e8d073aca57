import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError } from "@/lib/errors";
import { diskFullError, isDiskFull } from "./disk-space";
import { storageLayout } from "./layout";

/** A sibling name for writing before the rename; hidden so listings never show half a file. */
function partialPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID().slice(0, 8)}.part`);
}

const PARTIAL_NAME = /^\..+\.[0-9a-f]{8}\.part$/;

/** Names partialPathFor makes (lib/storage/sweep.ts removes stale ones). */
export function isPartialFileName(name: string): boolean {
  return PARTIAL_NAME.test(name);
}

/**
 * Removes what an earlier attempt at writing `target` left when its process died mid-write:
 * a step that retries writes the same target, so its siblings are that attempt's leftovers.
 */
async function removeLeftPartials(target: string): Promise<void> {
  const prefix = `.${path.basename(target)}.`;
  const names = await readdir(path.dirname(target)).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name.startsWith(prefix) && isPartialFileName(name) && name.length === prefix.length + 13)
      .map((name) => removeQuietly(path.join(path.dirname(target), name))),
  );
}

/** Removes a file if it is there; cleanup must never mask the error that caused it. */
export async function removeQuietly(target: string): Promise<void> {
  await rm(target, { force: true }).catch(() => undefined);
}

/** Writes the whole of `data` to `target` so readers see either the old file or the new one. */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  await removeLeftPartials(target);
  const partial = partialPathFor(target);
  try {
    await writeFile(partial, data);
    await rename(partial, target);
  } catch (error) {
    await removeQuietly(partial);
    throw error;
  }
}

export interface StreamToFileOptions {
  /** Refuse with AppError("payload_too_large", tooLargeMessage) once more bytes than this arrive. */
  maxBytes?: number;
  tooLargeMessage?: string;
  signal?: AbortSignal;
}

export interface WrittenFile {
  path: string;
  size: number;
  sha256: string;
}

/** Counts and hashes bytes as they pass, and stops the stream at the size limit. */
class MeasureStream extends Transform {
  readonly hash = createHash("sha256");
  size = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly tooLargeMessage: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(new AppError("payload_too_large", this.tooLargeMessage));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }
}

/**
 * Streams `source` into `target` through a temporary sibling, computing size and SHA-256 on the
 * way; renames into place only when everything arrived. On any error (including the size
 * limit) the partial file is removed and the error rethrown; a full disk as
 * AppError("insufficient_storage").
 */
export async function writeStreamToFile(
  target: string,
  source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>,
  options: StreamToFileOptions = {},
): Promise<WrittenFile> {
  const { maxBytes = Number.POSITIVE_INFINITY, tooLargeMessage = "File is too large", signal } = options;
  await mkdir(path.dirname(target), { recursive: true });
  await removeLeftPartials(target);
  const partial = partialPathFor(target);
  const measure = new MeasureStream(maxBytes, tooLargeMessage);
  signal?.throwIfAborted();
  const output = createWriteStream(partial, { flags: "wx" });
  try {
    await pipeline(source, measure, output, { signal });
    await rename(partial, target);
  } catch (error) {
    // An abort can reject the pipeline before the file is even open: removing it before the
    // stream has closed would leave the file its late open creates.
    if (!output.closed) await new Promise<void>((resolve) => output.once("close", () => resolve()));
    await removeQuietly(partial);
    throw isDiskFull(error) ? diskFullError() : error;
  }
  return { path: target, size: measure.size, sha256: measure.hash.digest("hex") };
}

/** A fresh path under DATA_DIR/tmp; nothing is created. */
export function tempPath(extension = "", dataDir?: string): string {
  const safeExtension = /^\.[A-Za-z0-9]{1,8}$/.test(extension) ? extension.toLowerCase() : "";
  return path.join(storageLayout(dataDir).tmp, `${randomUUID()}${safeExtension}`);
}

/**
 * Moves a finished file into place. A rename when both are on one file system (the layout
 * keeps them so); a copy through a temporary sibling and a rename otherwise.
 */
export async function moveFile(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    const partial = partialPathFor(to);
    try {
      await copyFile(from, partial);
      await rename(partial, to);
    } catch (copyError) {
      await removeQuietly(partial);
      throw copyError;
    }
    await removeQuietly(from);
  }
}

/** The tool ended without error but wrote nothing (ffmpeg found no frame to write, say). */
export class NothingWrittenError extends Error {
  constructor(target: string) {
    super(`Nothing was written to ${path.basename(target)}`);
    this.name = "NothingWrittenError";
  }
}

/**
 * Lets a tool (ffmpeg) write `target` through a temporary sibling: `produce` gets the
 * temporary path, and the result is renamed into place only if it succeeded and is non-empty.
 * Readers (the media routes) never see a half-written clip.
 */
export async function produceFileAtomic<T>(target: string, produce: (partialPath: string) => Promise<T>): Promise<T> {
  await mkdir(path.dirname(target), { recursive: true });
  await removeLeftPartials(target);
  const partial = partialPathFor(target);
  try {
    const result = await produce(partial);
    const info = await stat(partial).catch(() => null);
    if (!info || info.size === 0) throw new NothingWrittenError(target);
    await rename(partial, target);
    return result;
  } catch (error) {
    await removeQuietly(partial);
    throw error;
  }
}
