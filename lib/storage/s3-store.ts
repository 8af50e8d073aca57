import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type CompletedPart,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { mimeTypeFor } from "@/lib/http/media-response";
import { checkKey, checkPrefix, INPUT_URL_SECONDS, type ListedObject, type ObjectStore, type StoredObject, type WriteOptions } from "./object-store";

/**
 * Part size of a streamed write: S3's smallest part (5 MiB) is the floor; 8 MiB keeps a 500 MB
 * upload to about 60 parts. One part is buffered at a time, so a write holds about this much.
 */
export const PART_BYTES = 8 * 1024 * 1024;

/** Multipart uploads begun longer ago than this are a dead writer's: the sweep aborts them. */
export const STALE_UPLOAD_MS = 24 * 3600 * 1000;

/**
 * An S3-compatible store (AWS S3, SeaweedFS, MinIO, Ceph RGW) through the AWS SDK v3. Keys live
 * under `prefix` in `bucket`. Writes stream as multipart uploads with one part in memory; a write
 * that fails or is aborted aborts its multipart upload, so no object and no parts remain. Reads
 * stream, with the store's own ranges. A store that cannot be reached is AppError "unavailable"
 * (503 with a `detail`).
 */
export class S3Store implements ObjectStore {
  readonly kind = "s3" as const;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    private readonly prefix: string,
  ) {}

  /** STORAGE_URL=s3://bucket/prefix, S3_ENDPOINT, S3_REGION and the AWS SDK's credentials. */
  static fromEnv(): S3Store {
    const { STORAGE_URL, S3_ENDPOINT, S3_REGION } = env();
    const url = new URL(STORAGE_URL!);
    const prefix = url.pathname.replace(/^\/+|\/+$/g, "");
    const client = new S3Client({
      region: S3_REGION,
      endpoint: S3_ENDPOINT,
      // Self-hosted stores answer on one host name: bucket in the path, not the host.
      forcePathStyle: Boolean(S3_ENDPOINT),
      // A store that does not answer fails the request in seconds instead of holding it.
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
      maxAttempts: 3,
      // Checksums only where S3 requires them: a presigned PUT would otherwise carry the checksum
      // of an empty body, and a worker's upload through it would be refused.
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
    return new S3Store(client, url.hostname, prefix ? `${prefix}/` : "");
  }

  private objectKey(key: string): string {
    return `${this.prefix}${checkKey(key)}`;
  }

  async write(key: string, body: Readable | AsyncIterable<Uint8Array>, options: WriteOptions = {}): Promise<{ size: number; sha256: string }> {
    const { maxBytes = Number.POSITIVE_INFINITY, tooLargeMessage = "File is too large", signal } = options;
    const Key = this.objectKey(key);
    const hash = createHash("sha256");
    let size = 0;
    let uploadId: string | undefined;
    const parts: CompletedPart[] = [];
    const sendPart = async (chunks: Buffer[]) => {
      uploadId ??= (await this.call(this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key, ContentType: options.contentType ?? mimeTypeFor(key) }), { abortSignal: signal }))).UploadId;
      const PartNumber = parts.length + 1;
      const answer = await this.call(this.client.send(new UploadPartCommand({ Bucket: this.bucket, Key, UploadId: uploadId, PartNumber, Body: Buffer.concat(chunks) }), { abortSignal: signal }));
      parts.push({ PartNumber, ETag: answer.ETag });
    };
    try {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      for await (const chunk of body) {
        signal?.throwIfAborted();
        const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        size += buffer.length;
        if (size > maxBytes) throw new AppError("payload_too_large", tooLargeMessage);
        hash.update(buffer);
        pending.push(buffer);
        pendingBytes += buffer.length;
        if (pendingBytes >= PART_BYTES) {
          await sendPart(pending);
          pending = [];
          pendingBytes = 0;
        }
      }
      signal?.throwIfAborted();
      if (uploadId === undefined) {
        // Smaller than one part: one PUT.
        await this.call(this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key, Body: Buffer.concat(pending), ContentType: options.contentType ?? mimeTypeFor(key) }), { abortSignal: signal }));
      } else {
        if (pendingBytes > 0) await sendPart(pending);
        await this.call(this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId: uploadId, MultipartUpload: { Parts: parts } }), { abortSignal: signal }));
      }
    } catch (error) {
      if (uploadId !== undefined) {
        const id = uploadId;
        // Without a signal: the abort must go out even when the write was aborted.
        await this.call(this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId: id }))).catch(() => undefined);
      }
      throw error;
    }
    return { size, sha256: hash.digest("hex") };
  }

  /**
   * Sends one command: what the store answers passes through, a failure to reach it (or a 5xx
   * after the SDK's retries) becomes storeError's "unavailable". Errors of the body being
   * written are not the store's and never pass here.
   */
  private async call<T>(request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      throw storeError(error);
    }
  }

  async upload(key: string, file: string, options: { contentType?: string; signal?: AbortSignal } = {}): Promise<void> {
    await this.write(key, createReadStream(file, { highWaterMark: 1024 * 1024 }), options);
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const head = await this.call(this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })));
      return { size: head.ContentLength ?? 0, modifiedMs: head.LastModified?.getTime() ?? 0 };
    } catch (error) {
      if (isAppError(error) && error.kind === "not_found") return null;
      throw error;
    }
  }

  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const Range = range ? `bytes=${range.start}-${range.end}` : undefined;
    const answer = await this.call(this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key), Range })));
    return answer.Body as Readable;
  }

  async download(key: string, file: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    // Hidden and unique: two steps may fetch the same file at once, and publishing skips it.
    const partial = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID().slice(0, 8)}.part`);
    try {
      await pipeline(await this.read(key), createWriteStream(partial), { signal: options.signal });
      await rename(partial, file);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    const Prefix = `${this.prefix}${checkPrefix(prefix)}`;
    let ContinuationToken: string | undefined;
    do {
      const page = await this.call(this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix, ContinuationToken })));
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        yield { key: object.Key.slice(this.prefix.length), size: object.Size ?? 0, modifiedMs: object.LastModified?.getTime() ?? 0 };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async remove(key: string): Promise<void> {
    await this.call(this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) })));
  }

  async removeAll(prefix: string): Promise<number> {
    let batch: { Key: string }[] = [];
    let count = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await this.call(this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true } })));
      count += batch.length;
      batch = [];
    };
    for await (const object of this.list(prefix)) {
      batch.push({ Key: `${this.prefix}${object.key}` });
      if (batch.length === 1000) await flush();
    }
    await flush();
    return count;
  }

  async inputUrl(key: string, seconds = INPUT_URL_SECONDS): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }), { expiresIn: seconds });
  }

  async outputUrl(key: string, seconds = INPUT_URL_SECONDS): Promise<string> {
    return getSignedUrl(this.client, new PutObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }), { expiresIn: seconds });
  }

  async check(): Promise<void> {
    await this.call(this.client.send(new HeadBucketCommand({ Bucket: this.bucket })));
  }

  /**
   * Aborts multipart uploads under the prefix begun more than `olderThanMs` ago: parts a writer
   * that died mid-upload left (a live write aborts its own). Answers how many went.
   */
  async abortStaleUploads(olderThanMs = STALE_UPLOAD_MS, now = Date.now()): Promise<number> {
    const answer = await this.call(this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.prefix || undefined })));
    let count = 0;
    for (const upload of answer.Uploads ?? []) {
      if (!upload.Key || !upload.UploadId || (upload.Initiated?.getTime() ?? now) > now - olderThanMs) continue;
      await this.call(this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: upload.Key, UploadId: upload.UploadId }))).catch(() => undefined);
      count++;
    }
    return count;
  }

  /** Multipart uploads in progress under the prefix (tests: an aborted write leaves none). */
  async openUploads(): Promise<string[]> {
    const answer = await this.call(this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.prefix || undefined })));
    return (answer.Uploads ?? []).map((upload) => upload.Key ?? "");
  }
}

/**
 * What callers see of a store failure: a missing object is the contract's 404 ("not_found"); a
 * store that cannot be reached, answers 5xx after the SDK's retries, or refuses us (wrong
 * credentials, no bucket) is "unavailable", a 503 worded without the store's key or host. Aborts
 * pass through.
 */
function storeError(error: unknown): unknown {
  if (isAppError(error)) return error;
  const name = (error as { name?: string }).name;
  if (name === "AbortError") return error;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (name === "NoSuchKey" || name === "NotFound" || status === 404) return new AppError("not_found", "file_missing");
  return new AppError("unavailable", "Media storage is unavailable; try again shortly");
}
