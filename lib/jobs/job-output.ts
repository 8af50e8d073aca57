import path from "node:path";
import { jobMediaDir } from "@/lib/storage/layout";

/**
 * Where a job writes an output file (its media folder, lib/storage/layout.ts), and how results
 * name it: by its key in the store ("jobs/<id>/media/clip.mp4"), never the host path.
 */
export function jobOutput(jobId: string, name: string): { file: string; path: string } {
  return { file: path.join(jobMediaDir(jobId), name), path: `jobs/${jobId}/media/${name.split(path.sep).join("/")}` };
}
