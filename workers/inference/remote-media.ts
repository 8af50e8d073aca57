import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError } from "@/lib/errors";
import { isRemoteInput } from "@/lib/media/ffmpeg";

/**
 * Media by URL, for a worker that shares no folder with the web side (WORKER_MEDIA=url there):
 * its inputs come as presigned GETs of the object store and an upscale goes back as a presigned
 * PUT. Only URLs under the allowed prefixes are taken (WORKER_ALLOWED_URLS, and the store of
 * STORAGE_URL itself), so a request cannot make the worker fetch from, or send to, anywhere else.
 */

/** True when a request names media by URL rather than by path. */
export const isMediaUrl = isRemoteInput;

/**
 * The URL as given, refused (403) unless it lies under one of `prefixes`: same origin, path
 * under the prefix's path, no credentials, and no escaped slash or dot that a store might
 * decode into another key.
 */
export function checkMediaUrl(requested: string, prefixes: string[]): string {
  let url: URL;
  try {
    url = new URL(requested);
  } catch {
    throw new AppError("bad_request", "not a valid URL");
  }
  const path = url.pathname;
  const tricky = url.username || url.password || /%(2f|5c|2e)/i.test(path) || path.includes("\\");
  const inside = !tricky && prefixes.some((prefix) => {
    const allowed = new URL(prefix);
    return allowed.origin === url.origin && path.startsWith(allowed.pathname);
  });
  // Never echo the URL: its query holds a signature.
  if (!inside) throw new AppError("forbidden", "URL is outside the allowed prefixes");
  return url.href;
}

/**
 * The prefixes a worker takes media from: WORKER_ALLOWED_URLS as given, and the object store of
 * STORAGE_URL (`s3://bucket/prefix`) at S3_ENDPOINT, addressed by path as the web side signs it.
 */
export function allowedMediaPrefixes(source: { WORKER_ALLOWED_URLS: string[]; STORAGE_URL?: string; S3_ENDPOINT?: string }): string[] {
  const asFolder = (href: string) => (href.endsWith("/") ? href : `${href}/`);
  const prefixes = source.WORKER_ALLOWED_URLS.map((prefix) => asFolder(new URL(prefix).href));
  if (source.STORAGE_URL && source.S3_ENDPOINT) {
    const storage = new URL(source.STORAGE_URL);
    const keyPrefix = storage.pathname.replace(/^\/+|\/+$/g, "");
    const endpoint = new URL(source.S3_ENDPOINT);
    const base = endpoint.pathname.replace(/\/+$/, "");
    prefixes.push(new URL(`${base}/${storage.hostname}/${keyPrefix ? `${keyPrefix}/` : ""}`, endpoint.origin).href);
  }
  return prefixes;
}

/** A folder of this worker's own for one request's files, removed when the request is done. */
export async function scratchFolder(): Promise<{ folder: string; remove(): Promise<void> }> {
  const folder = await mkdtemp(path.join(os.tmpdir(), "framewise-worker-"));
  return { folder, remove: () => rm(folder, { recursive: true, force: true }) };
}

/** How long fetching one picture may take: a store that stops answering fails the request. */
const DOWNLOAD_TIMEOUT_MS = 60_000;

/**
 * Copies a URL's body into `file` as it streams, at most `maxBytes`. Redirects are refused: they
 * could lead out of the allowed prefixes.
 */
export async function download(url: string, file: string, maxBytes: number): Promise<void> {
  const signal = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  const response = await fetch(url, { redirect: "error", signal }).catch(() => {
    throw new AppError("bad_request", "media URL could not be reached");
  });
  if (response.status === 404) throw new AppError("not_found", "media URL: no such object");
  if (!response.ok || !response.body) throw new AppError("bad_request", `media URL answered ${response.status}`);
  let size = 0;
  const counted = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) counted.destroy(new AppError("payload_too_large", `media over ${maxBytes} bytes`));
  });
  await pipeline(counted, createWriteStream(file), { signal }).catch((error: unknown) => {
    throw signal.aborted ? new AppError("bad_request", "media URL answered too slowly") : error;
  });
}

/** Sends a finished file to a presigned PUT, streamed from disk with its length. */
export async function uploadTo(url: string, file: string): Promise<void> {
  const { size } = await stat(file);
  const response = await fetch(url, {
    method: "PUT",
    headers: { "content-length": String(size) },
    body: Readable.toWeb(createReadStream(file)) as unknown as BodyInit,
    duplex: "half",
    redirect: "error",
  } as RequestInit);
  await response.body?.cancel();
  if (!response.ok) throw new AppError("internal", `the upscaled video could not be stored (${response.status})`);
}
