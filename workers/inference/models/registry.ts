import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * The model files the worker loads, by id. scripts/models.ts writes them (and manifest.json)
 * into MODELS_DIR; this module only names them and reads the manifest.
 */
export const modelFiles = {
  centernet: "centernet.onnx",
  "centernet-int8": "centernet-int8.onnx",
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
  /**
   * "copied" as shipped, "converted" from TFJS by workers/convert, or "quantized" to int8 from
   * another model's file (scripts/models/quantize.py).
   */
  origin: "copied" | "converted" | "quantized";
  /** Hash of the converter (or quantizer) sources that produced a converted (or quantized) file. */
  converter?: string;
  /** A quantized model: the sha256 of the float model it was made from. */
  from_sha256?: string;
  /** A quantized model: how it was quantized and what it was calibrated on, in words. */
  quantization?: string;
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

export type DetectorPrecision = "int8" | "fp32";

/** The detector's model at each precision: the int8 one is quantized from the fp32 one. */
export const DETECTOR_MODELS = { int8: "centernet-int8", fp32: "centernet" } as const satisfies Record<DetectorPrecision, ModelId>;

export type DetectorChoice = {
  model: ModelId;
  precision: DetectorPrecision;
  requested: DetectorPrecision;
  /** Why the requested precision is not the one used. */
  fallback?: string;
};

/**
 * The detector the worker loads. int8 is only there when npm run models could calibrate it
 * (it needs the shared media): without it the worker runs fp32 and says why, rather than
 * refusing to start on a machine that has every other model. A file that is there but does
 * not match the manifest still fails at load, like any model.
 */
export async function chooseDetector(modelsDir: string, requested: DetectorPrecision): Promise<DetectorChoice> {
  const model = DETECTOR_MODELS[requested];
  if (requested === "fp32") return { model, precision: "fp32", requested };
  const entry = (await readManifest(modelsDir))?.models[model];
  if (entry && existsSync(path.join(modelsDir, modelFiles[model]))) return { model, precision: requested, requested };
  return {
    model: DETECTOR_MODELS.fp32,
    precision: "fp32",
    requested,
    // No host path: /healthz is passed on to the server's diagnostics.
    fallback: `${modelFiles[model]} was not built (npm run models makes it when the calibration media is there)`,
  };
}

export function missingModelsMessage(modelsDir: string, what: string): string {
  return `${what} is missing from ${modelsDir}: run npm run models`;
}
