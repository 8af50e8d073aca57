import { existsSync } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as ort from "@/workers/onnxruntime";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeImage } from "@/lib/media/frames";
import { SHARED_MEDIA_DIR, skipWithoutSharedMedia } from "@/lib/media/test-media";
import { loadWorkerEnv } from "@/workers/inference/env";
import { modelFiles } from "@/workers/inference/models/registry";
import { packages, tarballName } from "@/scripts/models/plan";
import { extractDir, REPO_ROOT } from "./sources";
import { conversions, type ConversionJob } from "./specs";
import { readTfGraph } from "./tfjs-graph";

/**
 * Each converted ONNX model against its TFJS original (tfjs 4.22, wasm backend) on a real
 * photo. Tolerances are the largest differences we accept per output; fp32 reassociation
 * alone explains differences of about 1e-5 relative.
 */
const media = SHARED_MEDIA_DIR;

const { modelsDir } = loadWorkerEnv();
const tfjsDir = extractDir(tarballName(packages.human));

type Case = {
  image: string;
  /** Pixel scale fed to both models (the graphs expect 0-255 or 0-1). */
  scale: number;
  /** TFJS input: the Placeholder fed, and whether it takes int32 pixels (MoveNet). */
  tfInput: string;
  int32?: boolean;
  tolerance: Record<string, number>;
};

// Both MoveNet variants share inputs, heads and tolerances; only the resolution differs.
const movenet: Case = {
  image: "person.jpg",
  scale: 1,
  tfInput: "input",
  int32: true,
  tolerance: {
    "StatefulPartitionedCall/Sigmoid": 1e-4,
    "StatefulPartitionedCall/Sigmoid_1": 1e-4,
    "StatefulPartitionedCall/kpt_regress_0/conv2d_6/BiasAdd": 1e-3,
    "StatefulPartitionedCall/kpt_offset_0/conv2d_7/BiasAdd": 1e-3,
  },
};

const cases: Record<string, Case> = {
  centernet: {
    image: "person.jpg",
    scale: 1,
    tfInput: "tower_0/images",
    tolerance: { "tower_0/keypoints": 1e-4, "tower_0/wh": 0.05, "tower_0/extern1/hard_swish/mul_1": 1e-3 },
  },
  "movenet-lightning": movenet,
  "movenet-thunder": movenet,
  selfie: { image: "person.jpg", scale: 1 / 255, tfInput: "input_1", tolerance: { activation_10: 1e-4 } },
  mobilefacenet: { image: "messi5.jpg", scale: 1 / 255, tfInput: "img_inputs", tolerance: { embeddings: 1e-5 } },
};

beforeAll(async () => {
  setWasmPaths(`${path.join(REPO_ROOT, "node_modules/@tensorflow/tfjs-backend-wasm/dist")}/`);
  await tf.setBackend("wasm");
  await tf.ready();
});

describe.skipIf(skipWithoutSharedMedia).each(conversions)("converted $id", (job: ConversionJob) => {
  const spec = cases[job.id];
  const onnxPath = path.join(modelsDir, modelFiles[job.id as keyof typeof modelFiles]);
  const tfjsPath = path.join(tfjsDir, job.source);

  it("matches the TFJS original on a real image", async () => {
    for (const file of [onnxPath, tfjsPath]) {
      if (!existsSync(file)) throw new Error(`${file} is missing: run npm run models`);
    }
    const [, size] = job.inputs[0].shape as [unknown, number];
    const image = await decodeImage(path.join(media, spec.image), { width: size, height: size });
    const pixels = Float32Array.from(image.data, (value) => value * spec.scale);
    const shape = [1, size, size, 3];

    const session = await ort.InferenceSession.create(onnxPath, { intraOpNumThreads: 1 });
    const ours = await session.run({ [job.inputs[0].name]: new ort.Tensor("float32", pixels, shape) });

    const graph = await readTfGraph(tfjsPath);
    const model = await tf.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: graph.json.modelTopology,
        weightSpecs: graph.json.weightsManifest.flatMap((group) => group.weights) as tf.io.WeightsManifestEntry[],
        weightData: new Uint8Array(graph.weightData).buffer,
      }),
    );
    const input = spec.int32 ? tf.tensor(Int32Array.from(image.data), shape, "int32") : tf.tensor(pixels, shape);
    const result = model.execute({ [spec.tfInput]: input }, job.outputs);
    const reference = Array.isArray(result) ? result : [result];

    for (const [k, name] of job.outputs.entries()) {
      const expected = reference[k].dataSync();
      const actual = ours[name].data as Float32Array;
      expect(ours[name].dims).toEqual(reference[k].shape);
      let worst = 0;
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
      console.log(`${job.id} ${name}: max abs difference ${worst.toExponential(2)} (tolerance ${spec.tolerance[name]})`);
      expect(worst).toBeLessThanOrEqual(spec.tolerance[name]);
    }
    tf.dispose([input, ...reference]);
    model.dispose();
    await session.release();
  });
});
