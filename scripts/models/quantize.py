"""
Static int8 quantization of the CenterNet detector, run by scripts/models.ts (npm run models)
inside a venv under .cache/ holding the pinned onnxruntime and onnx (quantize-requirements.txt).

    python quantize.py --model centernet.onnx --calibration inputs.f32 --count N --output out.onnx

The calibration file is raw float32 [N,512,512,3] written by workers/convert/calibration.ts with
the worker's own pre-processing. prepare() readies the float graph, then quantize_static writes
QDQ with percentile ranges (99.999) over the calibration frames, uint8 activations and int8
weights per output channel; only the squeeze-excite gates stay float, and the class logits get a
fixed range.

Each option is a lever measured one at a time on the 2-core AMD EPYC (AVX512-VNNI) box, as CPU
ms per inference against fp32's 48-52 ms, and as the mean change in detection scores on 28
shared pictures (README "Models"); the defaults are what the models step uses:
  --format qoperator     31.5 ms (QDQ 29.5): ORT's CPU kernels fuse QDQ at least as well
  --per-channel no       29.2 ms, but it loses 181 of fp32's boxes scored 0.3 or more (per channel: 24)
  --activations s8       94.5 ms: x86 has no fast s8 x s8 path; u8 x s8 is VNNI's instruction
  --method minmax        same speed and 35 s to make (percentile: about 3 minutes of histograms),
                         but a mean score change of 0.051 (percentile 0.038), and the evaluation's
                         vtest persons fell to 0.87 / 0.87 (percentile 0.99 / 0.90, fp32 0.99 / 0.91);
                         entropy ran out of memory on this box
  --head float           the head's last four convolutions in float: 44 ms (the head works at
                         128x128), with no gain in agreement
  --excite int8          same speed, slightly worse agreement (0.4-1.3 dB SQNR inside the gates)
"""
import argparse
import os
import sys
import tempfile

import numpy as np
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static

DIMS = (1, 512, 512, 3)
INPUT = "tower_0/images"

# The head's last convolutions (depthwise 3x3 then pointwise, for the class scores and for the
# box sides), used only by --head float.
HEAD = [
    "tower_0/CenternetHead/centernet_cls_output/separable_conv2d/depthwise/__conv_354",
    "tower_0/CenternetHead/centernet_cls_output/BiasAdd/__conv_357",
    "tower_0/CenternetHead/centernet_wh_output/separable_conv2d/depthwise/__conv_360",
    "tower_0/CenternetHead/centernet_wh_output/BiasAdd/__conv_363",
]

# The class logits, before the sigmoid. MinMax gives them [-16.9, 1.1] (the background's
# certainty reaches far below anything a threshold looks at): 0.07 a step, which near the 0.2
# score threshold moves a score by 0.011 and tips detections in and out. Clipping at -6 (score
# 0.0025) and 4 (0.98) halves the step where scores are read. The sigmoid's output gets [0, 1].
LOGITS = ["tower_0/CenternetHead/centernet_cls_output/BiasAdd/__conv_357", "tower_0/CenternetHead/centernet_cls_output/BiasAdd"]
LOGIT_RANGE = (-6.0, 4.0)
SCORES = "tower_0/keypoints"


def prepare(source: str, target: str) -> None:
    """
    The float graph as the quantizer should see it:
     1. ORT's basic optimisation, which folds away the Transposes our TFJS converter wraps
        around every NHWC Conv (184 of them; quant_pre_process leaves them), so Convs meet each
        other and int8 runs from one to the next without a Dequantize in between;
     2. each squeeze-excite ReduceMean over H and W becomes the GlobalAveragePool it is, which the
        quantizer has an int8 kernel for (the ReduceMean stayed float, with a Dequantize of the
        whole feature map before it: 20% of the int8 model's time);
     3. each Resize's 2-element `sizes` with `axes` [2,3] (how our opset-18 converter writes
        it) becomes the 4-element `sizes` of older opsets: ORT 1.30's NHWC layout pass (level
        "all") moves a Resize lying between int8 convolutions to NHWC and breaks on `axes`
        ("Number of elements of input 'sizes' (0) does not match the number of axes (2)").
    """
    import onnx
    import onnxruntime as ort
    from onnx import numpy_helper

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = target
    options.log_severity_level = 3
    ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])

    model = onnx.shape_inference.infer_shapes(onnx.load(target))
    graph = model.graph
    shapes = {info.name: [d.dim_value for d in info.type.tensor_type.shape.dim] for info in graph.value_info}
    inits = {init.name: init for init in graph.initializer}
    nodes = list(graph.node)
    for index, node in enumerate(nodes):
        if node.op_type == "ReduceMean":
            keep = [attr.i for attr in node.attribute if attr.name == "keepdims"]
            axes = numpy_helper.to_array(inits[node.input[1]]).tolist() if len(node.input) > 1 else None
            if axes != [2, 3] or keep not in ([], [1]) or len(shapes[node.input[0]]) != 4:
                raise ValueError(f"{node.name}: a ReduceMean that is not a global average pool")
            pool = onnx.helper.make_node("GlobalAveragePool", [node.input[0]], list(node.output), name=node.name)
            graph.node.remove(node)
            graph.node.insert(index, pool)
        elif node.op_type == "Resize":
            axes = [attr for attr in node.attribute if attr.name == "axes"]
            if not axes:
                continue
            if list(axes[0].ints) != [2, 3]:
                raise ValueError(f"{node.name}: unexpected Resize axes {list(axes[0].ints)}")
            n, c = shapes[node.input[0]][:2]
            sizes = numpy_helper.to_array(inits[node.input[3]])
            full = numpy_helper.from_array(np.array([n, c, *sizes], dtype=np.int64), f"{node.input[3]}_nchw")
            graph.initializer.append(full)
            node.input[3] = full.name
            node.attribute.remove(axes[0])
    used = {name for node in graph.node for name in node.input}
    for init in [init for init in graph.initializer if init.name not in used]:
        graph.initializer.remove(init)
    onnx.save(model, target)


def squeeze_excite(model: str) -> list[str]:
    """
    The nodes inside each squeeze-excite gate (and the head's global one): everything computed
    on a pooled [N,C,1,1] tensor, from the two small convolutions to the hard sigmoid. In int8
    they lost their signal (0.4-1.3 dB SQNR against float: a pooled feature's few large channels
    set the range and flatten the rest), and they cost nothing in float (one value per channel).
    The pooling before them and the gating product after them (full feature maps) stay int8.
    """
    import onnx

    graph = onnx.load(model).graph
    shapes = {info.name: [d.dim_value for d in info.type.tensor_type.shape.dim] for info in graph.value_info}
    pooled = lambda name: len(shapes.get(name, [])) == 4 and shapes[name][2:] == [1, 1]
    return [node.name for node in graph.node if node.op_type != "GlobalAveragePool" and pooled(node.output[0])]


def overrides(logits: str) -> dict:
    if logits == "calibrated":
        return {}
    low, high = (np.float32(value) for value in LOGIT_RANGE)
    ranges = {name: [{"rmin": low, "rmax": high}] for name in LOGITS}
    return {**ranges, SCORES: [{"rmin": np.float32(0), "rmax": np.float32(1)}]}


class Frames(CalibrationDataReader):
    """
    Feeds the calibration tensors from a memory map, one range at a time: with
    CalibStridedMinMax the calibrator takes one frame per pass and folds it into its histograms.
    Given the whole set at once, ORT's histogram calibrator keeps every intermediate tensor of
    every frame in memory first (many GB for 38 frames at 512x512), which got it killed here.
    """

    def __init__(self, path: str, count: int):
        self.data = np.memmap(path, dtype="<f4", mode="r", shape=(count, *DIMS[1:]))
        self.set_range(0, count)

    def __len__(self):
        return len(self.data)

    def set_range(self, start_index: int, end_index: int):
        self.next = start_index
        self.end = end_index

    def get_next(self):
        if self.next >= self.end:
            return None
        frame = np.ascontiguousarray(self.data[self.next : self.next + 1])
        self.next += 1
        return {INPUT: frame}

    def rewind(self):
        self.next = 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--calibration", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--format", choices=["qdq", "qoperator"], default="qdq")
    parser.add_argument("--per-channel", choices=["yes", "no"], default="yes")
    parser.add_argument("--activations", choices=["u8", "s8"], default="u8")
    parser.add_argument("--method", choices=["minmax", "entropy", "percentile"], default="percentile")
    parser.add_argument("--head", choices=["float", "int8"], default="int8")
    parser.add_argument("--logits", choices=["clipped", "calibrated"], default="clipped")
    parser.add_argument("--excite", choices=["float", "int8"], default="float")
    args = parser.parse_args()

    size = os.path.getsize(args.calibration)
    if size != args.count * np.prod(DIMS) * 4:
        print(f"{args.calibration}: {size} bytes is not {args.count} tensors of {DIMS}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as work:
        prepared = os.path.join(work, "prepared.onnx")
        prepare(args.model, prepared)
        exclude = (HEAD if args.head == "float" else []) + (squeeze_excite(prepared) if args.excite == "float" else [])
        quantize_static(
            prepared,
            args.output,
            Frames(args.calibration, args.count),
            quant_format=QuantFormat.QDQ if args.format == "qdq" else QuantFormat.QOperator,
            per_channel=args.per_channel == "yes",
            activation_type=QuantType.QUInt8 if args.activations == "u8" else QuantType.QInt8,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=exclude,
            calibrate_method={"minmax": CalibrationMethod.MinMax, "entropy": CalibrationMethod.Entropy, "percentile": CalibrationMethod.Percentile}[args.method],
            # s8 activations need symmetric ranges for ORT's CPU kernels to take the int8 path.
            extra_options={
                "ActivationSymmetric": args.activations == "s8",
                "TensorQuantOverrides": overrides(args.logits),
                # Despite its name it serves every method: calibrate one frame per pass.
                "CalibStridedMinMax": 1,
            },
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
