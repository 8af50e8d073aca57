import * as ort from "@/workers/onnxruntime";
import { describe, expect, it } from "vitest";
import { halfToFloat, parseInput, type TfGraph } from "./tfjs-graph";
import { convertGraph } from "./to-onnx";

describe("TFJS graph reading", () => {
  it("widens IEEE half floats, subnormals included", () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x3555)).toBeCloseTo(1 / 3, 3);
  });

  it("parses node inputs, output indices and control edges", () => {
    expect(parseInput("a/b")).toEqual({ node: "a/b", index: 0, control: false });
    expect(parseInput("a/b:2")).toEqual({ node: "a/b", index: 2, control: false });
    expect(parseInput("^a/b")).toEqual({ node: "a/b", index: 0, control: true });
  });
});

describe("convertGraph", () => {
  const graph = (op: string): TfGraph => ({
    json: { format: "graph-model", modelTopology: { node: [] }, weightsManifest: [] },
    nodes: new Map([
      ["x", { name: "x", op: "Placeholder" }],
      ["y", { name: "y", op, input: ["x"] }],
    ]),
    weights: new Map(),
    weightData: Buffer.alloc(0),
  });

  it("refuses an op outside its table instead of converting it wrongly", () => {
    expect(() => convertGraph(graph("Softplus"), { graphName: "t", inputs: [{ name: "x", shape: [1] }], outputs: ["y"] })).toThrow(
      /op Softplus is not supported/,
    );
  });

  it("writes an ONNX model onnxruntime runs", async () => {
    const bytes = convertGraph(graph("Sigmoid"), { graphName: "t", inputs: [{ name: "x", shape: [2] }], outputs: ["y"] });
    const session = await ort.InferenceSession.create(bytes);
    const { y } = await session.run({ x: new ort.Tensor("float32", Float32Array.from([0, 100]), [2]) });
    expect(Array.from(y.data as Float32Array)).toEqual([0.5, 1]);
  });
});
