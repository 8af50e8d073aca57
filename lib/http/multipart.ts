import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import busboy from "busboy";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { declaredLength, fileTooLargeMessage, MULTIPART_OVERHEAD_BYTES, uploadLimitBytes } from "./limits";
import { randomUUID } from "node:crypto";
import { removeVideoFile, storedKey, storedPath } from "@/lib/storage/job-media";
import { objectStore, uploadKey, usesObjectStorage } from "@/lib/storage/object-store";
import { removeQuietly, tempPath, writeStreamToFile } from "@/lib/storage/write-file";

export interface UploadedFile {
  /** The form field the file came in. */
  field: string;
  /** The client's file name, sanitised; never use it as a path without resolveInside. */
  filename: string;
  /**
   * Absolute path of the stored bytes under DATA_DIR/tmp, or with `toStore` and object storage
   * `store:uploads/<name>` (lib/storage/job-media.ts); the caller keeps or discards it
   * (discardUpload).
   */
  path: string;
  size: number;
  sha256: string;
  mimeType: string;
}

export interface MultipartResult {
  fields: Record<string, string>;
  files: UploadedFile[];
}

export interface ParseMultipartOptions {
  /** Per-file limit in bytes; defaults to MAX_UPLOAD_MB. */
  maxFileBytes?: number;
  maxFiles?: number;
  maxFields?: number;
  /** Per-field value limit in bytes. */
  maxFieldBytes?: number;
  /** Only these fields may carry files; others are refused. Default: any. */
  fileFields?: string[];
  /** DATA_DIR override (tests, tools); files go to <dataDir>/tmp. */
  dataDir?: string;
  /** Seconds without a byte before the upload is ended; defaults to UPLOAD_IDLE_SECONDS. */
  idleSeconds?: number;
  /**
   * Videos to keep: with object storage (STORAGE_URL) each file streams straight into the store
   * as a multipart upload under uploads/, never a copy on this host's disk.
   */
  toStore?: boolean;
}

const CONTROL_CHARS = /\p{Cc}/gu; // U+0000-001F and U+007F-009F

/**
 * Makes a client-supplied file name safe to show and to derive a stored name from: the last
 * path segment only (either separator), no control or shell-special characters, no leading
 * dots (hidden files, `..`), at most 200 characters with the extension kept.
 */
export function sanitizeFilename(raw: string | undefined): string {
  const base = (raw ?? "").normalize("NFC").split(/[\\/]/).pop() ?? "";
  const cleaned = base
    .replace(CONTROL_CHARS, "")
    .replace(/[<>:"|?*\u2028\u2029]/g, "_")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[.\s]+/, "")
    .replace(/[.\s]+$/, "");
  if (!cleaned) return "upload";
  if (cleaned.length <= 200) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const extension = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : "";
  return cleaned.slice(0, 200 - extension.length) + extension;
}

function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  return dot > 0 ? filename.slice(dot) : "";
}

/** The extension a stored name keeps: a short plain one, lower case, or none. */
function storedExtension(filename: string): string {
  const extension = extensionOf(filename);
  return /^\.[A-Za-z0-9]{1,8}$/.test(extension) ? extension.toLowerCase() : "";
}

/** Removes an uploaded file nobody keeps: the temporary file, or the stored object. */
export async function discardUpload(filePath: string): Promise<void> {
  if (storedKey(filePath)) await removeVideoFile(filePath).catch(() => undefined);
  else await removeQuietly(filePath);
}

/**
 * Parses a multipart/form-data request as it streams in. Text fields are collected; each file
 * part is written straight to DATA_DIR/tmp with its SHA-256 computed on the way, so memory use
 * does not grow with the upload. A file over the limit fails the whole request with
 * AppError("payload_too_large", "File size exceeds 500MB limit") and no partial file is left
 * behind; on any failure every file of the request is removed. A body that sends nothing for
 * UPLOAD_IDLE_SECONDS fails with AppError("request_timeout"): a trickling client must not hold
 * an upload slot (lib/http/upload-slots.ts) for as long as it likes.
 */
export async function parseMultipart(request: Request, options: ParseMultipartOptions = {}): Promise<MultipartResult> {
  const maxFileBytes = options.maxFileBytes ?? uploadLimitBytes();
  const { maxFiles = 4, maxFields = 50, maxFieldBytes = 64 * 1024, fileFields, dataDir, idleSeconds = env().UPLOAD_IDLE_SECONDS } = options;
  const store = options.toStore && usesObjectStorage() ? await objectStore() : null;
  const tooLargeMessage = fileTooLargeMessage(maxFileBytes);

  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw new AppError("bad_request", "Expected a multipart/form-data body");
  }
  if (!request.body) throw new AppError("bad_request", "Request body is empty");
  // A body that cannot fit is refused on its declared length, before a byte of it is read.
  const declared = declaredLength(request.headers.get("content-length"));
  if (declared !== null && declared > maxFileBytes * Math.max(1, maxFiles) + MULTIPART_OVERHEAD_BYTES) {
    throw new AppError("payload_too_large", tooLargeMessage);
  }

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      // Browsers send file names as raw UTF-8; busboy's default would read them as latin1.
      defParamCharset: "utf8",
      // One byte over the limit is enough for the size check to fire; busboy's own
      // truncation is only a backstop.
      limits: { fileSize: maxFileBytes + 1, files: maxFiles, fields: maxFields, fieldSize: maxFieldBytes, parts: maxFiles + maxFields },
    });
  } catch (error) {
    throw new AppError("bad_request", `Malformed multipart body: ${(error as Error).message}`);
  }

  const source = Readable.fromWeb(request.body as unknown as NodeReadableStream<Uint8Array>);
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  const writes: Promise<unknown>[] = [];
  const written: string[] = [];
  // Aborting stops every file write still in progress (their pipelines destroy the parts).
  const abortWrites = new AbortController();
  let failure: unknown;

  return new Promise<MultipartResult>((resolve, reject) => {
    let idle: NodeJS.Timeout | undefined;
    const stillSending = () => {
      clearTimeout(idle);
      idle = setTimeout(() => fail(new AppError("request_timeout", `Upload sent nothing for ${idleSeconds} seconds`)), idleSeconds * 1000);
    };

    const fail = (error: unknown) => {
      if (failure) return;
      failure = error;
      clearTimeout(idle);
      // Nothing more of the request is stored: drop the rest as it comes. Destroying the
      // source would destroy the client's socket too, and with it the 413 being answered;
      // the server closes the connection once that answer is out (closeWhenBodyUnread).
      source.unpipe(parser);
      source.on("data", () => undefined);
      source.resume();
      parser.removeAllListeners("file");
      // A file part cut off mid-way would otherwise never end, and its write never settle.
      abortWrites.abort();
      settle();
    };

    let settling = false;
    const settle = () => {
      if (settling) return;
      settling = true;
      clearTimeout(idle);
      void Promise.allSettled(writes).then(async () => {
        if (failure) {
          await Promise.all(written.map((file) => discardUpload(file)));
          reject(failure);
        } else {
          resolve({ fields, files });
        }
      });
    };

    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) return fail(new AppError("bad_request", `Field ${name} is too long`));
      fields[name] = value;
    });

    parser.on("file", (field, stream, info) => {
      if (failure) return stream.resume();
      // A form's empty file input arrives as a part with no name and no bytes.
      if (!info.filename) return stream.resume();
      if (fileFields && !fileFields.includes(field)) {
        stream.resume();
        return fail(new AppError("bad_request", `Unexpected file field ${field}`));
      }
      const filename = sanitizeFilename(info.filename);
      const limits = { maxBytes: maxFileBytes, tooLargeMessage, signal: abortWrites.signal };
      const key = store ? uploadKey(`${randomUUID()}${storedExtension(filename)}`) : null;
      const target = key ? storedPath(key) : tempPath(extensionOf(filename), dataDir);
      written.push(target);
      // Errors on the part reach the write below through pipeline; this keeps a late one
      // (after the write settled) from becoming an uncaught exception.
      stream.on("error", () => undefined);
      const write = (store && key ? store.write(key, stream, limits) : writeStreamToFile(target, stream, limits)).then(
        (result) => {
          files.push({ field, filename, path: target, size: result.size, sha256: result.sha256, mimeType: info.mimeType });
        },
        (error: unknown) => {
          stream.resume();
          fail(error);
        },
      );
      writes.push(write);
    });

    parser.on("filesLimit", () => fail(new AppError("bad_request", `Too many files (maximum ${maxFiles})`)));
    parser.on("fieldsLimit", () => fail(new AppError("bad_request", `Too many fields (maximum ${maxFields})`)));
    parser.on("partsLimit", () => fail(new AppError("bad_request", "Too many parts")));
    parser.on("error", (error: Error) => fail(new AppError("bad_request", `Malformed multipart body: ${error.message}`)));
    parser.on("close", () => settle());
    source.on("error", (error) => fail(failure ?? new AppError("bad_request", `Upload interrupted: ${error.message}`)));

    source.pipe(parser);
    source.on("data", () => {
      if (!failure && !settling) stillSending();
    });
    stillSending();
  });
}
