import { describe, expect, it } from "vitest";
import { loadWorkerEnv } from "../env";
import { loadModels, releaseModels } from "./sessions";

/** Provider selection: whatever the host has, the worker must say what it really runs on. */
const { modelsDir } = loadWorkerEnv();

describe("execution provider selection", () => {
  it("auto falls back to the CPU with the reason, or runs on CUDA", async () => {
    const set = await loadModels({ modelsDir, ids: ["selfie"], device: "auto", threads: 1 });
    const { provider } = set.get("selfie");
    if (provider === "cpu") expect(set.cudaError).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12/);
    else expect(provider).toBe("cuda");
    await releaseModels(set);
  });

  it("cuda either runs on CUDA or refuses to start, never silently on the CPU", async () => {
    const attempt = loadModels({ modelsDir, ids: ["selfie"], device: "cuda", threads: 1 });
    const outcome = await attempt.then(
      (set) => set.get("selfie").provider,
      (error: Error) => error.message,
    );
    expect(outcome).toMatch(/^cuda$|WORKER_DEVICE=cuda but the CUDA provider failed/);
  });

  it("cpu never tries CUDA", async () => {
    const set = await loadModels({ modelsDir, ids: ["selfie"], device: "cpu", threads: 1 });
    expect(set.get("selfie").provider).toBe("cpu");
    expect(set.cudaError).toBeUndefined();
    await releaseModels(set);
  });

  it("names the fix when the models are missing", async () => {
    await expect(loadModels({ modelsDir: "/nonexistent", ids: ["selfie"], device: "cpu", threads: 1 })).rejects.toThrow(
      /run npm run models/,
    );
  });
});
