import { createReadStream } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { jobMediaDir, storageLayout } from "./layout";
import { AppError } from "@/lib/errors";
import { checkKey, jobMediaKey, objectStore, usesObjectStorage } from "./object-store";
import { resolveInside } from "./resolve-inside";
import { isPartialFileName } from "./write-file";

/**
 * A job's media with object storage (STORAGE_URL): steps make files in this host's working
 * folder (jobMediaDir), as on local disk; after each step they are published to the store under
 * the same names, before each step what other hosts published is fetched, and when the job ends
 * the working folder goes. So a step may run on any worker, and no folder is shared. On local
 * disk the working folder is the served one and every function here does nothing.
 */

/** What this process has published, by file: "size:mtime", so an unchanged file goes once. */
const published = new Map<string, string>();

/** Every finished file under `folder` (not hidden: a leading dot marks scratch and partial files). */
async function* finishedFiles(folder: string): AsyncIterable<string> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.name.startsWith(".") || isPartialFileName(entry.name)) continue;
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) yield* finishedFiles(file);
    else if (entry.isFile()) yield file;
  }
}

/** Uploads what the job made on this host since the last publish. */
export async function publishJobMedia(jobId: string, options: { signal?: AbortSignal } = {}): Promise<number> {
  if (!usesObjectStorage()) return 0;
  const store = await objectStore();
  const folder = jobMediaDir(jobId);
  let count = 0;
  for await (const file of finishedFiles(folder)) {
    const info = await stat(file).catch(() => null);
    if (!info) continue;
    const version = `${info.size}:${info.mtimeMs}`;
    if (published.get(file) === version) continue;
    await store.upload(jobMediaKey(jobId, path.relative(folder, file).split(path.sep).join("/")), file, options);
    published.set(file, version);
    count++;
  }
  return count;
}

/** Fetches what the job has in the store and this host lacks (a step that moved hosts). */
export async function fetchJobMedia(jobId: string, options: { signal?: AbortSignal } = {}): Promise<number> {
  if (!usesObjectStorage()) return 0;
  const store = await objectStore();
  const folder = jobMediaDir(jobId);
  const prefix = jobMediaKey(jobId);
  let count = 0;
  for await (const object of store.list(prefix)) {
    const file = path.join(folder, ...object.key.slice(prefix.length).split("/"));
    const info = await stat(file).catch(() => null);
    if (info?.size === object.size) continue;
    await store.download(object.key, file, options);
    const fetched = await stat(file);
    published.set(file, `${fetched.size}:${fetched.mtimeMs}`);
    count++;
  }
  return count;
}

/** The job has ended on this host: publish what is left, then remove the working folder. */
export async function releaseJobMedia(jobId: string): Promise<void> {
  if (!usesObjectStorage()) return;
  const folder = jobMediaDir(jobId);
  try {
    await publishJobMedia(jobId);
  } finally {
    await rm(path.dirname(folder), { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    for (const file of published.keys()) if (file.startsWith(folder + path.sep)) published.delete(file);
  }
}

/**
 * A file made on request by the web process (a thumbnail, a proxy): `make` writes it into the
 * working folder if it is not there yet; with object storage it is then published and the local
 * copy removed. Answers its media path.
 */
export async function madeOnce(jobId: string, name: string, make: (file: string) => Promise<unknown>): Promise<string> {
  const key = jobMediaKey(jobId, name);
  const file = path.join(jobMediaDir(jobId), ...name.split("/"));
  if (!usesObjectStorage()) {
    if (!(await stat(file).then((info) => info.isFile(), () => false))) {
      await mkdir(path.dirname(file), { recursive: true });
      await make(file);
    }
    return file;
  }
  const store = await objectStore();
  if (!(await store.stat(key))) {
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await make(file);
      await store.upload(key, file);
    } finally {
      await rm(file, { force: true });
    }
  }
  return storedPath(key);
}

/**
 * Media is named, where a path used to be (a video row's `path`, what lookups hand the media
 * routes), either by its absolute path on disk or, kept in the object store, as `store:<key>`.
 */
const STORED = "store:";

export function storedPath(key: string): string {
  return `${STORED}${checkKey(key)}`;
}

export function storedKey(mediaPath: string): string | null {
  return mediaPath.startsWith(STORED) ? checkKey(mediaPath.slice(STORED.length)) : null;
}

/** Size and time of a media path (in the store or on disk), or null when it is not there. */
export async function mediaInfo(mediaPath: string): Promise<{ size: number; mtimeMs: number } | null> {
  const key = storedKey(mediaPath);
  if (key) {
    const object = await (await objectStore()).stat(key);
    return object ? { size: object.size, mtimeMs: object.modifiedMs } : null;
  }
  const info = await stat(mediaPath).catch(() => null);
  return info?.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : null;
}

/**
 * A job's video as this host's steps read it: a path on disk as it is; a stored one fetched once
 * into the job's working folder (work/jobs/<id>/sources/<name>, removed with it), since our steps
 * read sources with ffmpeg and with the file system alike. The same path on every host.
 */
export async function localVideoFile(videoPath: string, jobId: string, options: { signal?: AbortSignal } = {}): Promise<string> {
  const key = storedKey(videoPath);
  if (!key) return videoPath;
  const store = await objectStore();
  const file = path.join(path.dirname(jobMediaDir(jobId)), "sources", path.basename(key));
  const [here, there] = await Promise.all([stat(file).catch(() => null), store.stat(key)]);
  if (there && here?.size !== there.size) await store.download(key, file, options);
  sourceCopies.set(file, key);
  if (sourceCopies.size > 256) sourceCopies.delete(sourceCopies.keys().next().value!);
  return file;
}

/** The stored video each local source copy was fetched from (storedCopyOf). */
const sourceCopies = new Map<string, string>();

/**
 * The object a file of this host's working folder is in the store as, so a worker on another
 * host can be sent there: a job's source (the copy localVideoFile fetched) or a file of a job's
 * media, published now when it is not yet. Null for any other file, and on local disk.
 */
export async function storedCopyOf(file: string): Promise<string | null> {
  if (!usesObjectStorage()) return null;
  const source = sourceCopies.get(file);
  if (source) return source;
  const key = workFileKey(file);
  if (!key) return null;
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return null;
  const version = `${info.size}:${info.mtimeMs}`;
  if (published.get(file) !== version) {
    await (await objectStore()).upload(key, file);
    published.set(file, version);
  }
  return key;
}

/** The job media key a file of this host's working folder is published as; null for any other file. */
export function workFileKey(file: string): string | null {
  const relative = path.relative(storageLayout().work, file).split(path.sep);
  if (relative[0] !== "jobs" || relative[2] !== "media" || relative.length < 4) return null;
  return jobMediaKey(relative[1], relative.slice(3).join("/"));
}

/** Where ffmpeg in the web process reads a media path: the file, or a presigned GET. */
export async function mediaInput(mediaPath: string): Promise<string> {
  const key = storedKey(mediaPath);
  return key ? (await objectStore()).inputUrl(key) : mediaPath;
}

/** Removes a video row's file: the stored object, or a file inside uploads/ (never elsewhere). */
export async function removeVideoFile(videoPath: string): Promise<void> {
  const key = storedKey(videoPath);
  if (key) return (await objectStore()).remove(key);
  const uploads = storageLayout().uploads;
  const relative = path.relative(uploads, path.resolve(videoPath));
  if (relative && !relative.startsWith("..") && !path.isAbsolute(relative)) await rm(videoPath, { force: true });
}

/**
 * One file of a job's media as a media path: its object in the store, or the file inside its
 * media folder on disk (resolveInside: no escapes, no links out). Invalid names, and files absent
 * on disk, throw `missing`. An object is not looked up here: serveMedia, which every answer goes
 * through, does that once and must be given the same not-found message.
 */
export async function findJobMedia(jobId: string, name: string, missing: { kind: "not_found"; message: string }): Promise<string> {
  if (!usesObjectStorage()) return resolveInside(jobMediaDir(jobId), name, { mustExist: true, invalid: missing, missing });
  try {
    return storedPath(jobMediaKey(jobId, name));
  } catch {
    throw new AppError(missing.kind, missing.message);
  }
}

/** Removes everything of a job's media: this host's working folder and, with a store, its objects. */
export async function discardJobMedia(jobId: string): Promise<void> {
  // A step still running may be writing into the folder as it goes: rm retries ENOTEMPTY.
  await rm(usesObjectStorage() ? path.dirname(jobMediaDir(jobId)) : jobMediaDir(jobId), { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  if (usesObjectStorage()) await (await objectStore()).removeAll(jobMediaKey(jobId));
}

/**
 * A file of a job's media for the web process to read as it streams: from the store, or from
 * the media folder on disk; null when there is none.
 */
export async function openJobMedia(jobId: string, name: string): Promise<Readable | null> {
  if (usesObjectStorage()) {
    const store = await objectStore();
    const key = jobMediaKey(jobId, name);
    return (await store.stat(key)) ? store.read(key) : null;
  }
  const file = path.join(jobMediaDir(jobId), name);
  return (await stat(file).then((info) => info.isFile(), () => false)) ? createReadStream(file) : null;
}

/** A small file of a job's media, whole (a keypoint blob); AppError "not_found" when missing. */
export async function readJobMedia(jobId: string, name: string): Promise<Buffer> {
  const stream = await openJobMedia(jobId, name);
  if (!stream) throw new AppError("not_found", "file_missing");
  return Buffer.concat(await stream.toArray());
}
