import { open, type FileHandle, stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import { AppError } from "@/lib/errors";
import { findJobMedia, storedKey } from "@/lib/storage/job-media";
import { objectStore } from "@/lib/storage/object-store";

/**
 * The one way Framewise answers with a file: job media, uploads, exports. Streams from disk
 * (never a whole-file read), honours single byte ranges (RFC 9110 §14) so browsers can seek in
 * clips, and validates caches with ETag / Last-Modified.
 */

const MIME_TYPES: Record<string, string> = {
  ".mp4": "video/mp4",
  ".m4v": "video/mp4",
  ".mov": "video/quicktime",
  ".mkv": "video/x-matroska",
  ".webm": "video/webm",
  ".avi": "video/x-msvideo",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".vtt": "text/vtt; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".zip": "application/zip",
};

export function mimeTypeFor(filePath: string): string {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? "application/octet-stream";
}

export interface ServeFileOptions {
  /** Overrides the type derived from the extension. */
  contentType?: string;
  /** Default: revalidate every time (job media can be regenerated under the same name). */
  cacheControl?: string;
  /** Sends Content-Disposition: attachment with this name. */
  downloadName?: string;
  /** The error message when the file is not there (contracts say which). */
  notFoundMessage?: string;
  /** Extra headers on every answer (CORS exposure is the route wrapper's job). */
  headers?: Record<string, string>;
}

export type ByteRange = { start: number; end: number };

/**
 * The length serveFile means to send, for the server to restore as Content-Length after Next
 * has dropped it (keepContentLength); removed before the answer leaves.
 */
export const bodyLengthHeader = "x-framewise-body-length";

/**
 * Reads a Range header against a representation of `size` bytes:
 * - a satisfiable single range -> { start, end } (inclusive),
 * - "unsatisfiable" -> 416,
 * - null -> ignore the header and send the whole file (malformed, another unit, or several
 *   ranges: RFC 9110 lets a server ignore Range, and one 200 beats a multipart/byteranges
 *   body no player asks for).
 */
export function parseRange(header: string | null, size: number): ByteRange | "unsatisfiable" | null {
  if (!header) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return null;
  const [, first, last] = match;
  if (first === "" && last === "") return null;

  if (first === "") {
    // Suffix range: the last N bytes.
    const length = Number(last);
    if (!Number.isSafeInteger(length)) return null;
    if (length === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - length), end: size - 1 };
  }

  const start = Number(first);
  const end = last === "" ? Number.POSITIVE_INFINITY : Number(last);
  if (!Number.isSafeInteger(start) || (last !== "" && !Number.isSafeInteger(end))) return null;
  // "5-2" is not a range at all (ignored); "1000-" on 1000 bytes is a range nothing satisfies.
  if (end < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}

function etagFor(size: number, mtimeMs: number): string {
  return `"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}"`;
}

/** Weak comparison (RFC 9110 §8.8.3.2), as If-None-Match requires. */
function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === bare);
}

function notModifiedSince(header: string, mtimeMs: number): boolean {
  const since = Date.parse(header);
  // HTTP dates have one-second resolution.
  return Number.isFinite(since) && Math.floor(mtimeMs / 1000) * 1000 <= since;
}

/** If-Range: the range applies only if the validator still matches (strong comparison). */
function ifRangeHolds(header: string | null, etag: string, mtimeMs: number): boolean {
  if (!header) return true;
  const value = header.trim();
  if (value.startsWith('"') || value.startsWith("W/")) return value === etag;
  const date = Date.parse(value);
  return Number.isFinite(date) && Math.floor(mtimeMs / 1000) * 1000 === date;
}

const CHUNK_BYTES = 256 * 1024;

/**
 * A pull-based body: each read asks the file for the next chunk, so a slow client leaves
 * nothing buffered, and a client that goes away cancels the stream and closes the file.
 */
function fileBody(handle: FileHandle, start: number, end: number): ReadableStream<Uint8Array> {
  let position = start;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close().catch(() => undefined);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const remaining = end - position + 1;
        if (remaining <= 0) {
          await close();
          controller.close();
          return;
        }
        try {
          const buffer = new Uint8Array(Math.min(CHUNK_BYTES, remaining));
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
          if (bytesRead === 0) {
            // The file shrank after stat: end here rather than send a short body forever.
            await close();
            controller.error(new Error("File ended before the announced length"));
            return;
          }
          position += bytesRead;
          controller.enqueue(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
          if (position > end) {
            await close();
            controller.close();
          }
        } catch (error) {
          await close();
          controller.error(error);
        }
      },
      async cancel() {
        await close();
      },
    },
    { highWaterMark: 1 },
  );
}

/**
 * Answers `request` with the file at `absolutePath` (already resolved inside its root by the
 * caller). 200 with the whole file, 206 for one satisfiable range, 416 for an unsatisfiable
 * one, 304 when the client's copy is current; HEAD gets the same headers without a body.
 * Throws AppError("not_found") when there is no such file.
 */
export async function serveFile(request: Request, absolutePath: string, options: ServeFileOptions = {}): Promise<Response> {
  const notFound = () => new AppError("not_found", options.notFoundMessage ?? "file_missing");
  // stat before open: opening a FIFO or device would block or never end.
  const before = await stat(absolutePath).catch(() => null);
  if (!before?.isFile()) throw notFound();
  // Then stat the open file, so the length and validators describe the bytes sent even if
  // the path is replaced meanwhile.
  let handle: FileHandle;
  try {
    handle = await open(absolutePath, "r");
  } catch {
    throw notFound();
  }
  let body = false;
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw notFound();
    const response = buildResponse(request, absolutePath, info.size, info.mtimeMs, options);
    if (response.length === 0) return new Response(null, { status: response.status, headers: response.headers });
    body = true;
    return new Response(fileBody(handle, response.start, response.end), { status: response.status, headers: response.headers });
  } finally {
    if (!body) await handle.close().catch(() => undefined);
  }
}

/**
 * Answers `request` with media named by its media path (lib/storage/job-media.ts): a file on
 * disk through serveFile; a `store:<key>` object from the object store, with the same statuses
 * and headers, its bytes streamed from the store's own ranged read. A missing object is
 * AppError("not_found"), an unreachable store AppError("unavailable") (503).
 */
export async function serveMedia(request: Request, mediaPath: string, options: ServeFileOptions = {}): Promise<Response> {
  const key = storedKey(mediaPath);
  if (!key) return serveFile(request, mediaPath, options);
  const store = await objectStore();
  const object = await store.stat(key);
  if (!object) throw new AppError("not_found", options.notFoundMessage ?? "file_missing");
  const response = buildResponse(request, key, object.size, object.modifiedMs, options);
  if (response.length === 0) return new Response(null, { status: response.status, headers: response.headers });
  const body = await store.read(key, { start: response.start, end: response.end });
  return new Response(Readable.toWeb(body) as ReadableStream<Uint8Array>, { status: response.status, headers: response.headers });
}

/** Answers with one file of a job's media (findJobMedia), `notFound` the detail of a 404. */
export async function serveJobMedia(request: Request, jobId: string, name: string, notFound: string, options: ServeFileOptions = {}): Promise<Response> {
  return serveMedia(request, await findJobMedia(jobId, name, { kind: "not_found", message: notFound }), { ...options, notFoundMessage: notFound });
}

interface PlannedResponse {
  status: number;
  headers: Headers;
  start: number;
  end: number;
  /** Body bytes to send; 0 for HEAD, 304, 416 and empty files. */
  length: number;
}

function buildResponse(request: Request, absolutePath: string, size: number, mtimeMs: number, options: ServeFileOptions): PlannedResponse {
  const etag = etagFor(size, mtimeMs);
  const headers = new Headers(options.headers);
  headers.set("Content-Type", options.contentType ?? mimeTypeFor(absolutePath));
  headers.set("Accept-Ranges", "bytes");
  headers.set("ETag", etag);
  headers.set("Last-Modified", new Date(mtimeMs).toUTCString());
  headers.set("Cache-Control", options.cacheControl ?? "private, no-cache");
  headers.set("X-Content-Type-Options", "nosniff");
  if (options.downloadName) {
    const ascii = options.downloadName.replace(/[^\x20-\x7e]|["\\]/g, "_");
    headers.set(
      "Content-Disposition",
      `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(options.downloadName)}`,
    );
  }

  const method = request.method.toUpperCase();
  const isHead = method === "HEAD";

  // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 §13.1.3).
  const ifNoneMatch = request.headers.get("if-none-match");
  const ifModifiedSince = request.headers.get("if-modified-since");
  const fresh = ifNoneMatch ? etagMatches(ifNoneMatch, etag) : ifModifiedSince ? notModifiedSince(ifModifiedSince, mtimeMs) : false;
  if (fresh && (method === "GET" || isHead)) {
    headers.delete("Content-Type");
    return { status: 304, headers, start: 0, end: -1, length: 0 };
  }

  const range = ifRangeHolds(request.headers.get("if-range"), etag, mtimeMs)
    ? parseRange(request.headers.get("range"), size)
    : null;

  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${size}`);
    headers.set("Content-Length", "0");
    return { status: 416, headers, start: 0, end: -1, length: 0 };
  }

  const start = range ? range.start : 0;
  const end = range ? range.end : size - 1;
  const length = size === 0 ? 0 : end - start + 1;
  headers.set("Content-Length", String(length));
  headers.set(bodyLengthHeader, String(length));
  if (range) headers.set("Content-Range", `bytes ${start}-${end}/${size}`);
  return { status: range ? 206 : 200, headers, start, end, length: isHead ? 0 : length };
}

/** The byte count a `Content-Range: bytes a-b/size` answer carries, or null for anything else. */
export function partialContentLength(contentRange: string | null | undefined): number | null {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange?.trim() ?? "");
  if (!match) return null;
  const length = Number(match[2]) - Number(match[1]) + 1;
  return Number.isSafeInteger(length) && length > 0 ? length : null;
}

/**
 * Next (16) drops Content-Length from every route handler's answer (its sendResponse treats it
 * as framing it may not keep) and streams the body chunked. Media answers must say their
 * length (contracts/cabin-events.md "Fetch Media"; download progress, players): the server
 * calls this on each Node response so that, when its head is written, a 200 or 206 gets back
 * the length serveFile announced in `bodyLengthHeader` (a 206 without it: what Content-Range
 * says). Answers with a Content-Encoding or explicit framing are left alone.
 */
export function keepContentLength(response: ServerResponse): void {
  const writeHead = response.writeHead;
  response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    const status = typeof args[0] === "number" ? args[0] : this.statusCode;
    const announced = this.getHeader(bodyLengthHeader);
    if (announced !== undefined) this.removeHeader(bodyLengthHeader);
    const framed = this.headersSent || this.hasHeader("content-length") || this.hasHeader("content-encoding") || this.hasHeader("transfer-encoding");
    if ((status === 200 || status === 206) && !framed) {
      const length = /^\d+$/.test(String(announced ?? ""))
        ? Number(announced)
        : status === 206
          ? partialContentLength(String(this.getHeader("content-range") ?? ""))
          : null;
      if (length !== null) this.setHeader("Content-Length", String(length));
    }
    return (writeHead as (...rest: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse["writeHead"];
}
