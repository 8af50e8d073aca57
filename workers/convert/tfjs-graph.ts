import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * Reads a TFJS graph model (model.json + weight shards) into plain data: the GraphDef nodes
 * and every weight decoded to fp32 or int32. fp16-quantised weights are widened here so the
 * ONNX file holds plain fp32 initialisers.
 */
export type TfAttr = {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { s?: string[]; i?: string[]; f?: number[] };
  shape?: unknown;
  tensor?: unknown;
};

export type TfNode = {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
};

export type Weight = { shape: number[]; data: Float32Array | Int32Array };

export type TfGraph = {
  /** The raw model.json, kept for the TFJS reference loader in tests. */
  json: ModelJson;
  nodes: Map<string, TfNode>;
  weights: Map<string, Weight>;
  /** Concatenated shard bytes, as TFJS expects them. */
  weightData: Buffer;
};

type WeightSpec = {
  name: string;
  shape: number[];
  dtype: "float32" | "int32";
  quantization?: { dtype: string; scale?: number; min?: number };
};

export type ModelJson = {
  format: string;
  modelTopology: { node: TfNode[] };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
};

export async function readTfGraph(modelJsonPath: string): Promise<TfGraph> {
  const json = JSON.parse(await readFile(modelJsonPath, "utf8")) as ModelJson;
  if (json.format !== "graph-model") throw new Error(`${modelJsonPath}: not a TFJS graph model`);
  const dir = path.dirname(modelJsonPath);
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) {
    for (const shard of group.paths) shards.push(await readFile(path.join(dir, shard)));
  }
  const weightData = Buffer.concat(shards);
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  return {
    json,
    nodes: new Map(json.modelTopology.node.map((node) => [node.name, node])),
    weights: decodeWeights(specs, weightData),
    weightData,
  };
}

/** Entries follow in manifest order, little-endian, with no padding between them. */
function decodeWeights(specs: WeightSpec[], bytes: Buffer): Map<string, Weight> {
  const weights = new Map<string, Weight>();
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const stored = spec.quantization?.dtype ?? spec.dtype;
    let data: Float32Array | Int32Array;
    if (stored === "float16") {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = halfToFloat(bytes.readUInt16LE(offset + 2 * i));
      offset += 2 * count;
    } else if (stored === "float32") {
      data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = bytes.readFloatLE(offset + 4 * i);
      offset += 4 * count;
    } else if (stored === "int32") {
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = bytes.readInt32LE(offset + 4 * i);
      offset += 4 * count;
    } else {
      // uint8/uint16 affine quantisation is not used by any model we convert.
      throw new Error(`weight ${spec.name}: unsupported storage ${stored}`);
    }
    weights.set(spec.name, { shape: spec.shape, data });
  }
  if (offset !== bytes.length) throw new Error(`weights: read ${offset} of ${bytes.length} bytes`);
  return weights;
}

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export function attrString(node: TfNode, key: string): string | undefined {
  const value = node.attr?.[key]?.s;
  return value === undefined ? undefined : Buffer.from(value, "base64").toString("utf8");
}

export function attrStrings(node: TfNode, key: string): string[] {
  return (node.attr?.[key]?.list?.s ?? []).map((s) => Buffer.from(s, "base64").toString("utf8"));
}

export function attrInts(node: TfNode, key: string): number[] {
  return (node.attr?.[key]?.list?.i ?? []).map(Number);
}

export function attrBool(node: TfNode, key: string): boolean {
  return node.attr?.[key]?.b === true;
}

/** "name", "name:0" and "name:k" address a node's outputs; "^name" is a control edge. */
export function parseInput(input: string): { node: string; index: number; control: boolean } {
  const control = input.startsWith("^");
  const bare = control ? input.slice(1) : input;
  const colon = bare.lastIndexOf(":");
  if (colon > 0 && /^\d+$/.test(bare.slice(colon + 1))) {
    return { node: bare.slice(0, colon), index: Number(bare.slice(colon + 1)), control };
  }
  return { node: bare, index: 0, control };
}
