import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import onnxProto from "onnx-proto";
import { describe, expect, it } from "vitest";
import { useTempDir } from "@/lib/media/test-setup";

const root = path.resolve(import.meta.dirname, "..");
const tsxLoader = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
const temp = useTempDir();

/** The smallest model onnxruntime will run: y = Identity(x). */
function identityModel(): Uint8Array {
  const { onnx } = onnxProto;
  const value = (name: string) => ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }] } } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 18 }],
    graph: { name: "identity", node: [{ opType: "Identity", input: ["x"], output: ["y"] }], input: [value("x")], output: [value("y")] },
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * A process that loads onnxruntime the way the workers do and runs one session, with its temp
 * folder (where the 1DS SDK writes, and tsx its cache) in `tmp`. Answers the debug logs left there.
 */
function runModel(tmp: string, env: Record<string, string> = {}): string[] {
  mkdirSync(tmp);
  const model = path.join(temp.path, "identity.onnx");
  writeFileSync(model, identityModel());
  const script = path.join(temp.path, "run.mts");
  writeFileSync(
    script,
    `import * as ort from ${JSON.stringify(path.join(root, "workers/onnxruntime.ts"))};\n` +
      `const session = await ort.InferenceSession.create(${JSON.stringify(model)});\n` +
      `const { y } = await session.run({ x: new ort.Tensor("float32", Float32Array.of(7), [1]) });\n` +
      `console.log(y.data[0]);\n`,
  );
  // onnxruntime's telemetry stays off by itself where CI is set (as .ci/run sets it): the child
  // runs without it, so that both checks mean the same on a developer's machine and in CI.
  const { ORT_DISABLE_TELEMETRY: _, CI: _ci, ...inherited } = process.env;
  const run = spawnSync(process.execPath, ["--import", tsxLoader, script], { cwd: root, encoding: "utf8", env: { ...inherited, TMPDIR: tmp, ...env } });
  expect(run.stderr).toBe("");
  expect(run.stdout.trim()).toBe("7");
  return readdirSync(tmp).filter((name) => name.startsWith("mat-debug-"));
}

describe("workers/onnxruntime", () => {
  it("runs models without onnxruntime's telemetry, so no mat-debug-<pid>.log is left behind", () => {
    expect(runModel(path.join(temp.path, "off"))).toEqual([]);
  });

  // The check above means something only while this onnxruntime writes the file at all.
  it("leaves the choice to an operator who sets ORT_DISABLE_TELEMETRY=0", () => {
    const left = runModel(path.join(temp.path, "on"), { ORT_DISABLE_TELEMETRY: "0" });
    expect(left).toEqual([expect.stringMatching(/^mat-debug-\d+\.log$/)]);
    expect(existsSync(path.join(temp.path, "on", left[0]))).toBe(true);
  });
});
