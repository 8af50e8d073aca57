import { parentPort, workerData } from "node:worker_threads";
import { loadModels } from "./models/sessions";
import type { ModelId } from "./models/registry";
import type { Task, Thresholds } from "@/lib/inference/worker-protocol";
import { analyzeImage, loadOcrKeys } from "./tasks/analyze";

/**
 * One inference thread: its own sessions, created once, and one image at a time.
 * onnxruntime-node's run() blocks the calling thread, so parallel frames need threads.
 */
export type ThreadConfig = {
  modelsDir: string;
  ids: ModelId[];
  device: "auto" | "cpu" | "cuda";
  threads: number;
  poseModel: ModelId;
  detectorModel: ModelId;
};

export type ThreadRequest = {
  id: number;
  image: { width: number; height: number; data: Uint8Array };
  tasks: Task[];
  thresholds: Thresholds;
};

export type ModelReport = {
  id: ModelId;
  file: string;
  sha256: string;
  source: string;
  licence: string;
  origin: string;
  provider: string;
  inputs: readonly string[];
  outputs: readonly string[];
};

const port = parentPort;
if (!port) throw new Error("thread.ts runs inside a worker thread");
const config = workerData as ThreadConfig;

try {
  const models = await loadModels(config);
  const context = { poseModel: config.poseModel, detectorModel: config.detectorModel, ocrKeys: await loadOcrKeys(config.modelsDir) };
  const report: ModelReport[] = [...models.models.values()].map((model) => ({
    id: model.id,
    file: model.entry.file,
    sha256: model.entry.sha256,
    source: model.entry.source,
    licence: model.entry.licence,
    origin: model.entry.origin,
    provider: model.provider,
    inputs: model.session.inputNames,
    outputs: model.session.outputNames,
  }));
  port.on("message", async (request: ThreadRequest | { close: true }) => {
    if ("close" in request) {
      // Sessions are released here, between runs: terminating a thread while onnxruntime runs
      // native code can take the whole process down.
      await Promise.all([...models.models.values()].map((model) => model.session.release().catch(() => {})));
      port.close();
      return;
    }
    try {
      const result = await analyzeImage(models, context, request.image, request.tasks, request.thresholds);
      port.postMessage({ id: request.id, result });
    } catch (error) {
      port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  port.postMessage({ ready: true, models: report, cudaError: models.cudaError });
} catch (error) {
  port.postMessage({ ready: false, error: error instanceof Error ? error.message : String(error) });
}
