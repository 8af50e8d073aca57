import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import * as ort from "../../onnxruntime";
import { missingModelsMessage, modelFiles, readManifest, type ManifestEntry, type ModelId } from "./registry";

/**
 * One onnxruntime session per model, created once at startup. CUDA is tried first unless the
 * device is "cpu"; onnxruntime-node 1.30 throws (instead of falling back) when the CUDA
 * libraries are absent, so "auto" catches that and uses the CPU provider, and each session
 * reports the provider it really got.
 */
export type Device = "auto" | "cpu" | "cuda";
export type Provider = "cuda" | "cpu";

export type LoadedModel = {
  id: ModelId;
  session: ort.InferenceSession;
  provider: Provider;
  entry: ManifestEntry;
};

export type ModelSet = {
  models: Map<ModelId, LoadedModel>;
  /** Why CUDA was not used, when it was tried and failed. */
  cudaError?: string;
  get(id: ModelId): LoadedModel;
};

export async function loadModels(options: {
  modelsDir: string;
  ids: ModelId[];
  device: Device;
  threads: number;
}): Promise<ModelSet> {
  const manifest = await readManifest(options.modelsDir);
  if (!manifest) throw new Error(missingModelsMessage(options.modelsDir, "manifest.json"));
  const models = new Map<ModelId, LoadedModel>();
  let cudaError: string | undefined;
  // On CPU hosts "auto" expects the CUDA attempt to fail, and /healthz reports why: keep
  // onnxruntime's native log of that failure off stderr. Failures still throw.
  if (options.device === "auto") ort.env.logLevel = "fatal";
  for (const id of options.ids) {
    const entry = manifest.models[id];
    const file = path.join(options.modelsDir, modelFiles[id]);
    if (!entry || !existsSync(file)) throw new Error(missingModelsMessage(options.modelsDir, modelFiles[id]));
    const sha256 = createHash("sha256").update(await readFile(file)).digest("hex");
    if (sha256 !== entry.sha256) throw new Error(`${file} does not match manifest.json: run npm run models`);

    const sessionOptions: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: options.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
      executionMode: "sequential",
      // Warnings only: the shipped OCR graphs carry unused initialisers ORT complains about.
      logSeverityLevel: 3,
    };
    let created: { session: ort.InferenceSession; provider: Provider } | undefined;
    if (options.device !== "cpu" && !cudaError) {
      try {
        const session = await ort.InferenceSession.create(file, { ...sessionOptions, executionProviders: ["cuda", "cpu"] });
        created = { session, provider: "cuda" };
      } catch (error) {
        // Tried once: the other sessions go straight to the CPU.
        const reason = error instanceof Error ? error.message : String(error);
        cudaError = `${reason} (GPU hosts install onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12)`;
        if (options.device === "cuda") throw new Error(`WORKER_DEVICE=cuda but the CUDA provider failed: ${cudaError}`);
      }
    }
    created ??= {
      session: await ort.InferenceSession.create(file, { ...sessionOptions, executionProviders: ["cpu"] }),
      provider: "cpu",
    };
    models.set(id, { id, entry, ...created });
  }
  return {
    models,
    cudaError,
    get(id) {
      const model = models.get(id);
      if (!model) throw new Error(`model ${id} is not loaded`);
      return model;
    },
  };
}

export async function releaseModels(set: ModelSet): Promise<void> {
  for (const model of set.models.values()) await model.session.release();
}

/** Runs a session on one float32 input and returns its outputs' data by name. */
export async function runModel(
  model: LoadedModel,
  input: Float32Array,
  dims: number[],
): Promise<Record<string, { data: Float32Array; dims: readonly number[] }>> {
  const feeds = { [model.session.inputNames[0]]: new ort.Tensor("float32", input, dims) };
  const outputs = await model.session.run(feeds);
  const result: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
  for (const [name, tensor] of Object.entries(outputs)) result[name] = { data: tensor.data as Float32Array, dims: tensor.dims };
  return result;
}
