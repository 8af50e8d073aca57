import type { Readable } from "node:stream";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

/**
 * Where media lives, behind one interface with two drivers: the data folder on local disk (the
 * embedded default, lib/storage/local-store.ts) and an S3-compatible store (STORAGE_URL,
 * lib/storage/s3-store.ts). A key is the media's path relative to the data folder, the same in
 * both ("uploads/<video>.mp4", "jobs/<job>/media/clips/3.mp4"), so results name media the same
 * way whichever driver holds it.
 */
export interface ObjectStore {
  readonly kind: "local" | "s3";
  /**
   * Streams `body` into `key`: the object appears whole when the stream ends, or not at all
   * (a failed or aborted write leaves no object and, on S3, no incomplete multipart upload).
   * At most `maxBytes` (AppError "payload_too_large" beyond); size and SHA-256 on the way.
   */
  write(key: string, body: Readable | AsyncIterable<Uint8Array>, options?: WriteOptions): Promise<{ size: number; sha256: string }>;
  /** Copies a finished local file into `key`. */
  upload(key: string, file: string, options?: { contentType?: string; signal?: AbortSignal }): Promise<void>;
  /** Size and time of `key`; null when there is no such object. */
  stat(key: string): Promise<StoredObject | null>;
  /** The bytes of `key` (`start`-`end` inclusive when given); AppError "not_found" when missing. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Copies `key` to a local file (a worker that needs random access to a small file). */
  download(key: string, file: string, options?: { signal?: AbortSignal }): Promise<void>;
  /** Every object under `prefix` (a folder: ends in "/"), with its size and time. */
  list(prefix: string): AsyncIterable<ListedObject>;
  remove(key: string): Promise<void>;
  /** Removes everything under `prefix` (a folder: ends in "/"); answers how many went. */
  removeAll(prefix: string): Promise<number>;
  /**
   * Where ffmpeg and ffprobe read `key`: the file itself on local disk; on S3 a presigned GET
   * that lasts `seconds`, so a worker on another host needs no shared folder.
   */
  inputUrl(key: string, seconds?: number): Promise<string>;
  /**
   * Where a worker writes `key` whole: the file itself on local disk; on S3 a presigned PUT that
   * lasts `seconds` (one request, so at most the store's single-PUT size, 5 GB on AWS).
   */
  outputUrl(key: string, seconds?: number): Promise<string>;
  /** Throws AppError "unavailable" when the store cannot be reached (health, start-up). */
  check(): Promise<void>;
}

export interface WriteOptions {
  contentType?: string;
  maxBytes?: number;
  tooLargeMessage?: string;
  signal?: AbortSignal;
}

export interface StoredObject {
  size: number;
  modifiedMs: number;
}

export interface ListedObject extends StoredObject {
  key: string;
}

/** How long a worker's presigned read of its source lasts: longer than any one step. */
export const INPUT_URL_SECONDS = 6 * 3600;

// No control characters, backslashes or leading dots (hidden files are half-written ones).
const SEGMENT = /^[^.\\\p{Cc}][^\\\p{Cc}]{0,199}$/u;

/**
 * Checks a key before any driver sees it: relative, "/"-separated segments, none empty, none
 * starting with a dot (so no "." or ".."), no control characters or backslashes: a key never
 * leaves its root on disk nor names a surprising object. A bad key is a missing one to the caller.
 */
export function checkKey(key: string): string {
  const segments = key.split("/");
  if (segments.length > 12 || !segments.every((segment) => SEGMENT.test(segment))) {
    throw new AppError("not_found", "file_missing");
  }
  return key;
}

/** A folder prefix: checked like a key, ending in "/". */
export function checkPrefix(prefix: string): string {
  if (!prefix.endsWith("/")) throw new AppError("bad_request", "A prefix names a folder and ends in /");
  checkKey(prefix.slice(0, -1));
  return prefix;
}

/** The key of a job's media file, or of its whole media folder when `name` is omitted. */
export function jobMediaKey(jobId: string, name?: string): string {
  return name === undefined ? checkPrefix(`jobs/${jobId}/media/`) : checkKey(`jobs/${jobId}/media/${name}`);
}

/** Videos uploaded by users live under uploads/. */
export function uploadKey(name: string): string {
  return checkKey(`uploads/${name}`);
}

let store: ObjectStore | undefined;

/** The deployment's store, chosen once from STORAGE_URL. */
export async function objectStore(): Promise<ObjectStore> {
  if (store) return store;
  const { STORAGE_URL } = env();
  if (STORAGE_URL) {
    const { S3Store } = await import("./s3-store");
    store = S3Store.fromEnv();
  } else {
    const { LocalStore } = await import("./local-store");
    store = new LocalStore(env().dataDir);
  }
  return store;
}

/** True when media is kept in an S3-compatible store rather than the data folder. */
export function usesObjectStorage(): boolean {
  return Boolean(env().STORAGE_URL);
}

/** Tests switch drivers between cases; production never calls this. */
export function resetObjectStoreForTests(): void {
  store = undefined;
}
