import path from "node:path";
import { jobMediaDir } from "@/lib/storage/layout";

/** A reframe job's files, in its media folder. */
export function reframeFiles(jobId: string) {
  const dir = jobMediaDir(jobId);
  return {
    dir,
    masks: path.join(dir, "masks.ndjson"),
    reframed: path.join(dir, "reframed.mp4"),
    commands: path.join(dir, "crop-commands.txt"),
    /** The video's words with times (shot-content.ts listen), JSON. */
    speech: path.join(dir, "speech.json"),
    /** One JPEG per scene, scene-001.jpg... */
    keyframes: path.join(dir, "keyframes"),
  };
}
