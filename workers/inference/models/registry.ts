import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * The model files the worker loads, by id. scripts/models.ts writes them (and manifest.json)
 * into MODELS_DIR; this module only names them and reads the manifest.
 */
export const modelFiles = {
  centernet: "centernet.onnx",
  "movenet-lightning": "movenet-lightning.onnx",
  "movenet-thunder": "movenet-thunder.onnx",
  selfie: "selfie.onnx",
  mobilefacenet: "mobilefacenet.onnx",
  blazeface: "face_detection_back_256x256_barracuda.onnx",
  "ocr-det": "ch_PP-OCRv4_det_infer.onnx",
  "ocr-rec": "ch_PP-OCRv4_rec_infer.onnx",
  "ocr-keys": "ppocr_keys_v1.txt",
  "silero-vad": "silero_vad_v5.onnx",
  "esrgan-slim-x2": "esrgan-slim-x2.onnx",
  "esrgan-slim-x4": "esrgan-slim-x4.onnx",
} as const;

export type ModelId = keyof typeof modelFiles;

export type ManifestEntry = {
  file: string;
  sha256: string;
  bytes: number;
  /** npm package@version the file comes from. */
  source: string;
  /** Path of the original inside the package tarball. */
  source_path: string;
  licence: string;
  /** "copied" as shipped, or "converted" from TFJS by workers/convert. */
  origin: "copied" | "converted";
  /** Hash of the converter sources that produced a converted file. */
  converter?: string;
};

export type Manifest = {
  packages: Record<string, { tarball: string; integrity: string; licence: string }>;
  models: Partial<Record<ModelId, ManifestEntry>>;
};

export const MANIFEST_FILE = "manifest.json";

export async function readManifest(modelsDir: string): Promise<Manifest | undefined> {
  try {
    return JSON.parse(await readFile(path.join(modelsDir, MANIFEST_FILE), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

export function missingModelsMessage(modelsDir: string, what: string): string {
  return `${what} is missing from ${modelsDir}: run npm run models`;
}
