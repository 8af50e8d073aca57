import path from "node:path";
import { jobMediaDir } from "@/lib/storage/layout";

/** A reframe job's files, in its media folder. */
export function reframeFiles(jobId: string) {
  const dir = jobMediaDir(jobId);
  return { dir, masks: path.join(dir, "masks.ndjson"), reframed: path.join(dir, "reframed.mp4"), commands: path.join(dir, "crop-commands.txt") };
}
