import path from "node:path";
import * as ort from "../onnxruntime";
import { VAD_CHUNK, VAD_CONTEXT, VAD_RATE } from "./segments";

/**
 * Silero VAD v5 over 16 kHz mono samples: one probability per 512-sample chunk. Each call's
 * input is [1,576], the previous chunk's last 64 samples followed by the new 512
 * (notes/models.md: without the context the model splits speech far too often), and the
 * recurrent state is carried from one chunk to the next.
 */
export async function vadProbabilities(samples: Float32Array, modelsDir: string, onProgress?: (fraction: number) => void): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(path.join(modelsDir, "silero_vad_v5.onnx"), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    logSeverityLevel: 3,
  });
  try {
    const chunks = Math.ceil(samples.length / VAD_CHUNK);
    const out = new Float32Array(chunks);
    let state: ort.Tensor = new ort.Tensor("float32", new Float32Array(2 * 128), [2, 1, 128]);
    const sr = new ort.Tensor("int64", BigInt64Array.from([BigInt(VAD_RATE)]), []);
    const input = new Float32Array(VAD_CONTEXT + VAD_CHUNK);
    for (let i = 0; i < chunks; i++) {
      input.copyWithin(0, VAD_CHUNK, VAD_CHUNK + VAD_CONTEXT);
      if (i === 0) input.fill(0, 0, VAD_CONTEXT);
      const slice = samples.subarray(i * VAD_CHUNK, (i + 1) * VAD_CHUNK);
      input.set(slice, VAD_CONTEXT);
      if (slice.length < VAD_CHUNK) input.fill(0, VAD_CONTEXT + slice.length);
      const result = await session.run({ input: new ort.Tensor("float32", input.slice(), [1, VAD_CONTEXT + VAD_CHUNK]), state, sr });
      out[i] = (result.output.data as Float32Array)[0];
      state = result.stateN as ort.Tensor;
      if (onProgress && i % 250 === 0) onProgress(i / chunks);
    }
    return out;
  } finally {
    await session.release();
  }
}
