import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import path from "node:path";
import { env } from "@/lib/env";
import { isRemoteInput } from "@/lib/media/ffmpeg";
import { storedCopyOf, workFileKey } from "@/lib/storage/job-media";
import { checkKey, objectStore, type ObjectStore } from "@/lib/storage/object-store";

/**
 * What a worker is handed for files of this host (WORKER_MEDIA). `path`, the default: the files'
 * own paths, for the spawned worker or one that mounts this host's data folder. `url`: presigned
 * GETs of the object store, for a worker that shares no folder with this host: of the object a
 * file is a copy of (a job's source, a job's media), or else of a copy under scratch/ (a video of
 * VIDEO_INPUT_DIR, a picture a step made), one per version of the file, kept for the next request
 * (every chunk of a job reads the same source) until the orphan sweep clears it after a day.
 * For an upscale's output, workerOutput.
 */
export type WorkerMedia = {
  /** What to send for each file, in order. */
  inputs: string[];
  /** The file a sent input stands for (a worker's lines name what they were sent). */
  fileOf(input: string): string;
};

/** Where scratch copies for workers live in the store. */
export const WORKER_SCRATCH_PREFIX = "scratch/";

export function workerMediaByUrl(): boolean {
  return env().WORKER_MEDIA === "url";
}

export async function workerMedia(files: string[]): Promise<WorkerMedia> {
  if (!workerMediaByUrl()) return { inputs: files, fileOf: (input) => input };
  const store = await objectStore();
  const byInput = new Map<string, string>();
  const inputs: string[] = [];
  for (const file of files) {
    const key = isRemoteInput(file) ? null : ((await storedCopyOf(file)) ?? (await scratchCopy(store, file)));
    const input = key ? await store.inputUrl(key) : file;
    byInput.set(input, file);
    inputs.push(input);
  }
  return { inputs, fileOf: (input) => byInput.get(input) ?? input };
}

/** The scratch object of this version of `file` (path, size and time), uploaded when missing. */
async function scratchCopy(store: ObjectStore, file: string): Promise<string> {
  const { size, mtimeMs } = await stat(file);
  const version = createHash("sha256").update(`${path.resolve(file)}\0${size}\0${mtimeMs}`).digest("hex").slice(0, 32);
  const key = checkKey(`${WORKER_SCRATCH_PREFIX}${version}/${path.basename(file).replace(/^\.+/, "_")}`);
  if ((await store.stat(key))?.size !== size) await store.upload(key, file);
  return key;
}

/**
 * Where a worker writes a new file of a job's working folder: its path, or by URL a presigned PUT
 * of the job's media object (the step after it fetches the object like any other host's work).
 */
export async function workerOutput(file: string): Promise<string> {
  if (!workerMediaByUrl()) return file;
  const key = workFileKey(file);
  if (!key) throw new Error("a worker's output by URL must be a file of a job's media");
  return (await objectStore()).outputUrl(key);
}
