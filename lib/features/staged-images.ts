import { copyFile, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { AppError } from "@/lib/errors";
import { storedPath } from "@/lib/storage/job-media";
import { storageLayout } from "@/lib/storage/layout";
import { objectStore, uploadKey, usesObjectStorage } from "@/lib/storage/object-store";
import { moveFile, removeQuietly } from "@/lib/storage/write-file";

/**
 * Product images a multipart feature request carries (create-from-form.ts), kept until the job
 * collects them (run-job.ts): under uploads/feature-images/ in the data folder, or in the object
 * store under the same key, so a worker on another host finds them.
 */
export const FEATURE_IMAGE_DIR = "feature-images";

/** Keeps a request's temporary file as staged image `name`; answers its media path. */
export async function stageImage(file: string, name: string): Promise<string> {
  if (!usesObjectStorage()) {
    const target = path.join(storageLayout().uploads, FEATURE_IMAGE_DIR, name);
    await moveFile(file, target);
    return target;
  }
  const key = uploadKey(`${FEATURE_IMAGE_DIR}/${name}`);
  try {
    await (await objectStore()).upload(key, file);
  } finally {
    await removeQuietly(file);
  }
  return storedPath(key);
}

/** Copies staged image `name` to `target` for the job; AppError "not_found" when it is gone. */
export async function fetchStagedImage(name: string, target: string): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const gone = () => new AppError("not_found", "the uploaded image is gone");
  if (usesObjectStorage()) {
    await (await objectStore()).download(uploadKey(`${FEATURE_IMAGE_DIR}/${path.basename(name)}`), target).catch(() => {
      throw gone();
    });
    return;
  }
  await copyFile(path.join(storageLayout().uploads, FEATURE_IMAGE_DIR, path.basename(name)), target).catch(() => {
    throw gone();
  });
}

/** Removes staged image `name`; answers whether it was there. */
export async function dropStagedImage(name: string): Promise<boolean> {
  if (usesObjectStorage()) {
    const store = await objectStore();
    const key = uploadKey(`${FEATURE_IMAGE_DIR}/${path.basename(name)}`);
    if (!(await store.stat(key))) return false;
    await store.remove(key);
    return true;
  }
  return rm(path.join(storageLayout().uploads, FEATURE_IMAGE_DIR, path.basename(name))).then(() => true, () => false);
}
