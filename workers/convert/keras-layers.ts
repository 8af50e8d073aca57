import { readFile } from "node:fs/promises";
import path from "node:path";
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

/**
 * TFJS *layers* model (Keras functional config, as ESRGAN-slim ships) -> ONNX (opset 18, IR 8),
 * for the layers that model uses and nothing else: InputLayer, Conv2D (linear or relu, "same"
 * or "valid", stride 1, no dilation), Activation relu, Concatenate on channels, Add, and nearest
 * UpSampling2D. Anything else throws. The graph runs NCHW inside: one Transpose after the NHWC
 * input and one before the NHWC output, so the ONNX model keeps Keras' input and output layout
 * (`LR` [1,H,W,3] 0-255 -> `SR` [1,sH,sW,3] 0-255 for ESRGAN-slim).
 */

type Tensor = onnxProto.onnx.ITensorProto;
type OnnxNode = onnxProto.onnx.INodeProto;

type KerasLayer = {
  class_name: string;
  name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, unknown?][][];
};

export type LayersModelJson = {
  format: string;
  modelTopology: { model_config: { class_name: string; config: { layers: KerasLayer[]; input_layers: [string, number, number][]; output_layers: [string, number, number][] } } };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string; quantization?: { dtype: string } }[] }[];
};

export async function readLayersWeights(modelJsonPath: string): Promise<{ json: LayersModelJson; weights: Map<string, { shape: number[]; data: Float32Array }> }> {
  const json = JSON.parse(await readFile(modelJsonPath, "utf8")) as LayersModelJson;
  if (json.format !== "layers-model") throw new Error(`${modelJsonPath}: not a TFJS layers model`);
  const dir = path.dirname(modelJsonPath);
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) for (const shard of group.paths) shards.push(await readFile(path.join(dir, shard)));
  const bytes = Buffer.concat(shards);
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  let offset = 0;
  for (const spec of json.weightsManifest.flatMap((group) => group.weights)) {
    if (spec.dtype !== "float32" || spec.quantization) throw new Error(`weight ${spec.name}: only unquantised float32 is supported`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = bytes.readFloatLE(offset + 4 * i);
    offset += 4 * count;
    weights.set(spec.name, { shape: spec.shape, data });
  }
  if (offset !== bytes.length) throw new Error(`weights: read ${offset} of ${bytes.length} bytes`);
  return { json, weights };
}

/** HWIO [kh,kw,ci,co] -> OIHW [co,ci,kh,kw]. */
function toOihw(kernel: { shape: number[]; data: Float32Array }): { dims: number[]; data: Float32Array } {
  const [kh, kw, ci, co] = kernel.shape;
  const out = new Float32Array(kernel.data.length);
  for (let h = 0; h < kh; h++)
    for (let w = 0; w < kw; w++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + h) * kw + w] = kernel.data[((h * kw + w) * ci + i) * co + o];
  return { dims: [co, ci, kh, kw], data: out };
}

function tensor(name: string, dims: number[], data: Float32Array | BigInt64Array): Tensor {
  const dataType = data instanceof Float32Array ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.INT64;
  return { name, dims, dataType, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

function valueInfo(name: string, shape: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: shape.map((dim) => (typeof dim === "number" ? { dimValue: dim } : { dimParam: dim })) } } },
  };
}

const ints = (name: string, values: number[]) => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
const int = (name: string, value: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
const str = (name: string, value: string) => ({ name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(value) });

export function convertLayersModel(json: LayersModelJson, weights: Map<string, { shape: number[]; data: Float32Array }>, graphName: string): Uint8Array {
  const { config } = json.modelTopology.model_config;
  const nodes: OnnxNode[] = [];
  const initializers: Tensor[] = [];
  const inputName = config.input_layers[0][0];
  const outputName = config.output_layers[0][0];
  // Every layer's ONNX tensor is its NCHW output, named after the layer.
  const nchw = (layer: string) => `${layer}:nchw`;

  for (const layer of config.layers) {
    const inputs = (layer.inbound_nodes[0] ?? []).map(([name]) => nchw(name));
    const out = nchw(layer.name);
    const c = layer.config;
    switch (layer.class_name) {
      case "InputLayer":
        nodes.push({ opType: "Transpose", input: [layer.name], output: [out], attribute: [ints("perm", [0, 3, 1, 2])] });
        break;
      case "Conv2D": {
        const strides = c.strides as number[];
        const dilation = c.dilation_rate as number[];
        if (strides.some((s) => s !== 1) || dilation.some((d) => d !== 1)) throw new Error(`${layer.name}: only stride 1, dilation 1`);
        if (c.data_format !== "channels_last") throw new Error(`${layer.name}: data_format ${c.data_format}`);
        const kernel = weights.get(`${layer.name}/kernel`);
        if (!kernel) throw new Error(`${layer.name}: no kernel weight`);
        const { dims, data } = toOihw(kernel);
        initializers.push(tensor(`${layer.name}/kernel`, dims, data));
        const convInputs = [inputs[0], `${layer.name}/kernel`];
        if (c.use_bias) {
          const bias = weights.get(`${layer.name}/bias`);
          if (!bias) throw new Error(`${layer.name}: no bias weight`);
          initializers.push(tensor(`${layer.name}/bias`, bias.shape, bias.data));
          convInputs.push(`${layer.name}/bias`);
        }
        const [kh, kw] = c.kernel_size as number[];
        const padding = c.padding === "same" ? [Math.floor((kh - 1) / 2), Math.floor((kw - 1) / 2), Math.ceil((kh - 1) / 2), Math.ceil((kw - 1) / 2)] : [0, 0, 0, 0];
        if (c.padding !== "same" && c.padding !== "valid") throw new Error(`${layer.name}: padding ${c.padding}`);
        const activation = c.activation as string;
        if (activation !== "linear" && activation !== "relu") throw new Error(`${layer.name}: activation ${activation}`);
        const convOut = activation === "relu" ? `${out}:pre` : out;
        nodes.push({ opType: "Conv", input: convInputs, output: [convOut], name: layer.name, attribute: [ints("kernel_shape", [kh, kw]), ints("pads", padding)] });
        if (activation === "relu") nodes.push({ opType: "Relu", input: [convOut], output: [out] });
        break;
      }
      case "Activation":
        if (c.activation !== "relu") throw new Error(`${layer.name}: activation ${c.activation}`);
        nodes.push({ opType: "Relu", input: inputs, output: [out], name: layer.name });
        break;
      case "Concatenate":
        if (c.axis !== 3 && c.axis !== -1) throw new Error(`${layer.name}: concatenation on axis ${c.axis}`);
        nodes.push({ opType: "Concat", input: inputs, output: [out], name: layer.name, attribute: [int("axis", 1)] });
        break;
      case "Add":
        if (inputs.length !== 2) throw new Error(`${layer.name}: Add of ${inputs.length} inputs`);
        nodes.push({ opType: "Add", input: inputs, output: [out], name: layer.name });
        break;
      case "UpSampling2D": {
        if (c.interpolation !== "nearest") throw new Error(`${layer.name}: interpolation ${c.interpolation}`);
        const [sh, sw] = c.size as number[];
        const scales = `${layer.name}/scales`;
        initializers.push(tensor(scales, [4], new Float32Array([1, 1, sh, sw])));
        nodes.push({
          opType: "Resize",
          input: [inputs[0], "", scales],
          output: [out],
          name: layer.name,
          attribute: [str("mode", "nearest"), str("coordinate_transformation_mode", "asymmetric"), str("nearest_mode", "floor")],
        });
        break;
      }
      default:
        throw new Error(`${layer.name}: layer ${layer.class_name} is not supported`);
    }
  }
  nodes.push({ opType: "Transpose", input: [nchw(outputName)], output: [outputName], attribute: [ints("perm", [0, 2, 3, 1])] });

  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "framewise-convert",
    opsetImport: [{ domain: "", version: 18 }],
    graph: {
      name: graphName,
      node: nodes,
      initializer: initializers,
      input: [valueInfo(inputName, [1, "height", "width", 3])],
      output: [valueInfo(outputName, [1, "out_height", "out_width", 3])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
