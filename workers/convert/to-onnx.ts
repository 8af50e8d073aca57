import onnxProto from "onnx-proto";
import { attrBool, attrInts, attrString, attrStrings, parseInput, type TfGraph, type TfNode, type Weight } from "./tfjs-graph";

const { onnx } = onnxProto;

/**
 * TFJS graph -> ONNX (opset 18, IR 8) for the ops our four TFJS models use, and nothing else:
 * an op outside the table in notes/models.md throws, so a new model fails loudly instead of
 * converting wrongly. Tensors stay NHWC as in TF; each Conv, ConvTranspose, pool and Resize is
 * wrapped in Transpose to NCHW and back, which onnxruntime's optimiser folds away.
 */
export type ConvertSpec = {
  /** Graph inputs: TF node names (a Placeholder, or an inner node to cut the graph there). */
  inputs: { name: string; shape: (number | string)[] }[];
  /** TF node names whose first output becomes a graph output. */
  outputs: string[];
  graphName: string;
};

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
const FOLDABLE = new Set(["Const", "Mul", "Add", "AddV2", "Sub", "Reshape", "Identity"]);

type Tensor = onnxProto.onnx.ITensorProto;
type Attr = onnxProto.onnx.IAttributeProto;

export function convertGraph(graph: TfGraph, spec: ConvertSpec): Uint8Array {
  const builder = new Builder(graph, spec);
  return builder.build();
}

class Builder {
  private readonly onnxNodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers = new Map<string, Tensor>();
  private readonly emitted = new Set<string>();
  private readonly inputNames: Set<string>;
  private readonly folded = new Map<string, Weight | null>();
  private counter = 0;

  constructor(
    private readonly graph: TfGraph,
    private readonly spec: ConvertSpec,
  ) {
    this.inputNames = new Set(spec.inputs.map((input) => input.name));
  }

  build(): Uint8Array {
    for (const output of this.spec.outputs) this.visit(output);
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: "framewise-convert",
      opsetImport: [{ domain: "", version: 18 }],
      graph: {
        name: this.spec.graphName,
        node: this.onnxNodes,
        initializer: [...this.initializers.values()],
        input: this.spec.inputs.map((input) => valueInfo(input.name, input.shape)),
        output: this.spec.outputs.map((output) => valueInfo(output)),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  /** Depth-first from the outputs, so every node is emitted after its inputs. */
  private visit(name: string): void {
    if (this.emitted.has(name) || this.inputNames.has(name)) return;
    const node = this.node(name);
    if (this.constValue(name)) return;
    this.emitted.add(name);
    for (const input of node.input ?? []) {
      const parsed = parseInput(input);
      if (parsed.control) continue;
      if (parsed.index !== 0) throw new Error(`${name}: output ${input} of a multi-output op is not supported`);
      this.visit(parsed.node);
    }
    this.emit(node);
  }

  private node(name: string): TfNode {
    const node = this.graph.nodes.get(name);
    if (!node) throw new Error(`graph has no node ${name}`);
    return node;
  }

  private dataInputs(node: TfNode): string[] {
    return (node.input ?? []).filter((input) => !input.startsWith("^")).map((input) => parseInput(input).node);
  }

  /** The value of a constant subgraph (Const, or arithmetic over constants), else null. */
  private constValue(name: string): Weight | null {
    if (this.inputNames.has(name)) return null;
    const cached = this.folded.get(name);
    if (cached !== undefined) return cached;
    const node = this.node(name);
    let value: Weight | null = null;
    if (node.op === "Const") {
      value = this.graph.weights.get(name) ?? null;
      if (!value) throw new Error(`Const ${name} has no weight`);
    } else if (FOLDABLE.has(node.op)) {
      const inputs = this.dataInputs(node).map((input) => this.constValue(input));
      if (inputs.every((input): input is Weight => input !== null)) value = fold(node.op, inputs);
    }
    this.folded.set(name, value);
    return value;
  }

  private constOrThrow(name: string, why: string): Weight {
    const value = this.constValue(name);
    if (!value) throw new Error(`${why}: ${name} is not constant`);
    return value;
  }

  /** A tensor name for an operand: constants become initialisers under their TF name. */
  private operand(name: string): string {
    const value = this.constValue(name);
    if (value && !this.initializers.has(name)) {
      this.initializers.set(name, tensor(name, value.shape, value.data));
    }
    return name;
  }

  private initializer(hint: string, dims: number[], data: Float32Array | Int32Array | BigInt64Array): string {
    const name = `${hint}__${this.counter++}`;
    this.initializers.set(name, tensor(name, dims, data));
    return name;
  }

  private int64s(hint: string, values: number[]): string {
    return this.initializer(hint, [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  private scalar(hint: string, value: number): string {
    return this.initializer(hint, [], Float32Array.of(value));
  }

  private add(opType: string, inputs: string[], output: string, attribute: Attr[] = []): string {
    this.onnxNodes.push({ opType, input: inputs, output: [output], name: output, attribute });
    return output;
  }

  private temp(base: string, suffix: string): string {
    return `${base}/__${suffix}_${this.counter++}`;
  }

  private emit(node: TfNode): void {
    const [a, b] = this.dataInputs(node);
    const out = node.name;
    switch (node.op) {
      case "Identity":
        this.add("Identity", [this.operand(a)], out);
        return;
      case "Add":
      case "AddV2":
        this.add("Add", [this.operand(a), this.operand(b)], out);
        return;
      case "Sub":
        this.add("Sub", [this.operand(a), this.operand(b)], out);
        return;
      case "Mul":
        this.add("Mul", [this.operand(a), this.operand(b)], out);
        return;
      case "Maximum":
        this.add("Max", [this.operand(a), this.operand(b)], out);
        return;
      case "AddN":
        this.add("Sum", this.dataInputs(node).map((input) => this.operand(input)), out);
        return;
      case "Relu":
      case "Sigmoid":
      case "Abs":
        this.add(node.op, [a], out);
        return;
      case "Relu6":
        this.relu6(a, out);
        return;
      case "Square":
        this.add("Mul", [a, a], out);
        return;
      case "Rsqrt":
        this.add("Reciprocal", [this.add("Sqrt", [a], this.temp(out, "sqrt"))], out);
        return;
      case "Mean":
      case "Sum":
        this.reduce(node, a, b);
        return;
      case "Squeeze":
        this.add("Squeeze", [a, this.int64s(`${out}/axes`, attrInts(node, "squeeze_dims"))], out);
        return;
      case "ConcatV2":
        this.concat(node);
        return;
      case "Conv2D":
      case "_FusedConv2D":
      case "DepthwiseConv2dNative":
      case "FusedDepthwiseConv2dNative":
        this.conv(node);
        return;
      case "Conv2DBackpropInput":
        this.convTranspose(node);
        return;
      case "AvgPool":
      case "MaxPool":
        this.pool(node, a);
        return;
      case "ResizeBilinear":
        this.resize(node, a, b);
        return;
      default:
        throw new Error(`${node.name}: op ${node.op} is not supported by this converter`);
    }
  }

  private relu6(input: string, out: string): string {
    return this.add("Clip", [input, this.scalar("relu6_min", 0), this.scalar("relu6_max", 6)], out);
  }

  private reduce(node: TfNode, input: string, axesName: string): void {
    const axes = Array.from(this.constOrThrow(axesName, node.name).data);
    const keepdims = attrBool(node, "keep_dims") ? 1 : 0;
    const opType = node.op === "Mean" ? "ReduceMean" : "ReduceSum";
    this.add(opType, [input, this.int64s(`${node.name}/axes`, axes)], node.name, [intAttr("keepdims", keepdims)]);
  }

  private concat(node: TfNode): void {
    const inputs = this.dataInputs(node);
    const axis = this.constOrThrow(inputs[inputs.length - 1], node.name).data[0];
    const parts = inputs.slice(0, -1).map((input) => this.operand(input));
    this.add("Concat", parts, node.name, [intAttr("axis", axis)]);
  }

  private toNchw(input: string, base: string): string {
    return this.add("Transpose", [input], this.temp(base, "nchw"), [intsAttr("perm", TO_NCHW)]);
  }

  private toNhwc(input: string, out: string): string {
    return this.add("Transpose", [input], out, [intsAttr("perm", TO_NHWC)]);
  }

  /** Conv2D, depthwise and their fused forms (BiasAdd, optionally Relu/Relu6). */
  private conv(node: TfNode): void {
    const [input, filterName, biasName] = this.dataInputs(node);
    const filter = this.constOrThrow(filterName, node.name);
    const [kh, kw, ci] = filter.shape;
    const depthwise = node.op.includes("Depthwise");
    const weights = depthwise ? depthwiseToOihw(filter) : hwioToOihw(filter);
    const convInputs = [this.toNchw(input, node.name), this.initializer(`${filterName}/oihw`, weights.shape, weights.data)];

    const fused = attrStrings(node, "fused_ops");
    const [first, activation, ...rest] = fused;
    if (fused.length > 0 && first !== "BiasAdd") throw new Error(`${node.name}: fused ${fused.join("+")} not supported`);
    if (rest.length > 0 || (activation && activation !== "Relu" && activation !== "Relu6")) {
      throw new Error(`${node.name}: fused ${fused.join("+")} not supported`);
    }
    if (first === "BiasAdd") convInputs.push(this.operand(biasName));

    const strides = attrInts(node, "strides");
    const dilations = attrInts(node, "dilations");
    let value = this.add("Conv", convInputs, this.temp(node.name, "conv"), [
      intsAttr("kernel_shape", [kh, kw]),
      intsAttr("strides", [strides[1], strides[2]]),
      intsAttr("dilations", dilations.length ? [dilations[1], dilations[2]] : [1, 1]),
      intAttr("group", depthwise ? ci : 1),
      stringAttr("auto_pad", autoPad(node)),
    ]);
    if (activation === "Relu") value = this.add("Relu", [value], this.temp(node.name, "relu"));
    if (activation === "Relu6") value = this.relu6(value, this.temp(node.name, "relu6"));
    this.toNhwc(value, node.name);
  }

  /** Inputs are (output_shape, filter [kh,kw,co,ci], data). */
  private convTranspose(node: TfNode): void {
    const [shapeName, filterName, input] = this.dataInputs(node);
    const outputShape = Array.from(this.constOrThrow(shapeName, node.name).data);
    const filter = this.constOrThrow(filterName, node.name);
    const [kh, kw] = filter.shape;
    const weights = permute(filter, [3, 2, 0, 1]);
    const strides = attrInts(node, "strides");
    const value = this.add(
      "ConvTranspose",
      [this.toNchw(input, node.name), this.initializer(`${filterName}/iohw`, weights.shape, weights.data)],
      this.temp(node.name, "deconv"),
      [
        intsAttr("kernel_shape", [kh, kw]),
        intsAttr("strides", [strides[1], strides[2]]),
        intsAttr("output_shape", [outputShape[1], outputShape[2]]),
        stringAttr("auto_pad", autoPad(node)),
      ],
    );
    this.toNhwc(value, node.name);
  }

  private pool(node: TfNode, input: string): void {
    const ksize = attrInts(node, "ksize");
    const strides = attrInts(node, "strides");
    const attrs = [
      intsAttr("kernel_shape", [ksize[1], ksize[2]]),
      intsAttr("strides", [strides[1], strides[2]]),
      stringAttr("auto_pad", autoPad(node)),
    ];
    // TF averages over the valid cells only, never the padding.
    if (node.op === "AvgPool") attrs.push(intAttr("count_include_pad", 0));
    const opType = node.op === "AvgPool" ? "AveragePool" : "MaxPool";
    const value = this.add(opType, [this.toNchw(input, node.name)], this.temp(node.name, "pool"), attrs);
    this.toNhwc(value, node.name);
  }

  private resize(node: TfNode, input: string, sizeName: string): void {
    const size = Array.from(this.constOrThrow(sizeName, node.name).data);
    const mode = attrBool(node, "half_pixel_centers")
      ? "half_pixel"
      : attrBool(node, "align_corners")
        ? "align_corners"
        : "asymmetric";
    const value = this.add(
      "Resize",
      [this.toNchw(input, node.name), "", "", this.int64s(`${node.name}/sizes`, size)],
      this.temp(node.name, "resize"),
      [stringAttr("mode", "linear"), stringAttr("coordinate_transformation_mode", mode), intsAttr("axes", [2, 3])],
    );
    this.toNhwc(value, node.name);
  }
}

function autoPad(node: TfNode): string {
  const padding = attrString(node, "padding");
  if (padding === "SAME") return "SAME_UPPER"; // TF puts the odd pixel at the end, as SAME_UPPER does
  if (padding === "VALID") return "VALID";
  throw new Error(`${node.name}: padding ${padding} not supported`);
}

/** Constant folding for the few shape computations left in the graphs (MoveNet's resize size). */
function fold(op: string, inputs: Weight[]): Weight {
  const [a, b] = inputs;
  if (op === "Identity") return a;
  if (op === "Reshape") return { shape: Array.from(b.data), data: a.data };
  const n = Math.max(a.data.length, b.data.length);
  const out = a.data instanceof Int32Array && b.data instanceof Int32Array ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = a.data[a.data.length === 1 ? 0 : i];
    const y = b.data[b.data.length === 1 ? 0 : i];
    out[i] = op === "Mul" ? x * y : op === "Sub" ? x - y : x + y;
  }
  return { shape: a.data.length >= b.data.length ? a.shape : b.shape, data: out };
}

function permute(weight: Weight, perm: number[]): Weight {
  const shape = perm.map((axis) => weight.shape[axis]);
  const srcStrides = strides(weight.shape);
  const dstStrides = strides(shape);
  const data = new Float32Array(weight.data.length);
  for (let i = 0; i < data.length; i++) {
    let rest = i;
    let src = 0;
    for (let d = 0; d < shape.length; d++) {
      const coord = Math.floor(rest / dstStrides[d]);
      rest -= coord * dstStrides[d];
      src += coord * srcStrides[perm[d]];
    }
    data[i] = weight.data[src];
  }
  return { shape, data };
}

function strides(shape: number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) out[d] = out[d + 1] * shape[d + 1];
  return out;
}

/** HWIO [kh,kw,ci,co] -> OIHW [co,ci,kh,kw]. */
function hwioToOihw(filter: Weight): Weight {
  return permute(filter, [3, 2, 0, 1]);
}

/** Depthwise [kh,kw,ci,m] -> [ci*m,1,kh,kw]: output channel c*m+j reads input channel c. */
function depthwiseToOihw(filter: Weight): Weight {
  const [kh, kw, ci, m] = filter.shape;
  const permuted = permute(filter, [2, 3, 0, 1]);
  return { shape: [ci * m, 1, kh, kw], data: permuted.data };
}

function tensor(name: string, dims: number[], data: Float32Array | Int32Array | BigInt64Array): Tensor {
  const dataType =
    data instanceof Float32Array
      ? onnx.TensorProto.DataType.FLOAT
      : data instanceof Int32Array
        ? onnx.TensorProto.DataType.INT32
        : onnx.TensorProto.DataType.INT64;
  // Copy so the initialiser owns little-endian bytes (every platform we run on is LE).
  const rawData = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return { name, dims, dataType, rawData };
}

function valueInfo(name: string, shape?: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: shape
          ? { dim: shape.map((dim) => (typeof dim === "number" ? { dimValue: dim } : { dimParam: dim })) }
          : undefined,
      },
    },
  };
}

function intAttr(name: string, value: number): Attr {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}

function intsAttr(name: string, values: number[]): Attr {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: values };
}

function stringAttr(name: string, value: string): Attr {
  return { name, type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode(value) };
}
