import path from "node:path";
import { jobMediaDir, storageLayout } from "@/lib/storage/layout";

/**
 * Where a job writes an output file (its media folder, lib/storage/layout.ts), and how results
 * name it: relative to the data folder ("jobs/<id>/media/clip.mp4"), never the host path.
 */
export function jobOutput(jobId: string, name: string): { file: string; path: string } {
  const file = path.join(jobMediaDir(jobId), name);
  return { file, path: path.relative(storageLayout().root, file).split(path.sep).join("/") };
}
