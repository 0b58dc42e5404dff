"""Static int8 quantisation of the exported MiniLM encoder, so a text's vector does not
depend on the other texts in its batch.

Dynamic quantisation computes one activation scale per tensor at run time, i.e. over the
whole padded batch, so the same text embeds differently depending on its neighbours. Here
every activation scale is fixed at export time from calibration sentences
(``calibration_sentences.py``) and each token is quantised on its own.

Three steps, all per-row (batch-invariant) at run time:

1. Smoothing (SmoothQuant, Xiao et al. 2023): a few hidden channels of the LayerNorm
   outputs are ~10x larger than the rest, and one static per-tensor scale would spend
   most of int8's range on them. Each LayerNorm output that feeds weight MatMuls is
   multiplied by ``1/s`` per channel and the rows of those weights by ``s``, with
   ``s = sqrt(max|x_j| / max|w_j|)``: exact in float, and it moves the outliers into the
   weights, which are quantised per channel.
2. ``quantize_static`` (QDQ) of the MatMuls with constant weights: uint8 activations with
   calibrated scales, int8 per-channel weights. Their outputs stay float: the FFN output
   spans about ±200 and would lose too much at 8 bits.
3. The embedding tables (Gather) are quantised weights-only, as before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper
from onnxruntime.quantization import (
    CalibrationDataReader,
    CalibrationMethod,
    QuantFormat,
    QuantType,
    quantize_dynamic,
    quantize_static,
)

#: SmoothQuant's migration strength: 0.5 balances activation and weight ranges. Values
#: from 0.35 to 0.8 scored within 0.001 of each other on this model.
SMOOTHING_ALPHA = 0.5
CALIBRATION_BATCH = 16

Feeds = dict[str, np.ndarray]
Featurize = Callable[[Sequence[str]], Feeds]


class SentenceReader(CalibrationDataReader):
    """Feeds the calibration sentences to the calibrator in fixed batches."""

    def __init__(self, sentences: Sequence[str], featurize: Featurize) -> None:
        self.batches = [
            featurize(sentences[i : i + CALIBRATION_BATCH])
            for i in range(0, len(sentences), CALIBRATION_BATCH)
        ]
        self._next = iter(self.batches)

    def get_next(self) -> Feeds | None:
        return next(self._next, None)

    def rewind(self) -> None:
        self._next = iter(self.batches)


def quantize_int8_static(
    prepared: Path, out: Path, workdir: Path, sentences: Sequence[str], featurize: Featurize
) -> None:
    """Write the batch-invariant int8 model for the pre-processed fp32 model ``prepared``."""
    smoothed, static = workdir / "smoothed.onnx", workdir / "static.onnx"
    smooth_layer_norm_outputs(prepared, smoothed, sentences, featurize)
    model = onnx.load(str(smoothed))
    weights = {init.name for init in model.graph.initializer}
    # Attention's activation-by-activation MatMuls stay float, as in dynamic mode (the QDQ
    # quantiser ignores MatMulConstBOnly).
    linear = [n.name for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in weights]
    quantize_static(
        str(smoothed),
        str(static),
        SentenceReader(sentences, featurize),
        quant_format=QuantFormat.QDQ,
        op_types_to_quantize=["MatMul"],
        nodes_to_quantize=linear,
        per_channel=True,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8,
        calibrate_method=CalibrationMethod.MinMax,
        extra_options={"OpTypesToExcludeOutputQuantization": ["MatMul"]},
    )
    # Weight-only: Gather reads int8 rows and dequantises them with the table's one scale.
    quantize_dynamic(static, out, weight_type=QuantType.QInt8, op_types_to_quantize=["Gather"])


def smooth_layer_norm_outputs(
    src: Path, dst: Path, sentences: Sequence[str], featurize: Featurize
) -> None:
    model = onnx.load(str(src))
    weights = {init.name: init for init in model.graph.initializer}
    consumers: dict[str, list[onnx.NodeProto]] = defaultdict(list)
    for node in model.graph.node:
        if node.op_type == "MatMul" and node.input[1] in weights:
            consumers[node.input[0]].append(node)
    producers = {out: node for node in model.graph.node for out in node.output}
    smoothed = [x for x in consumers if producers[x].op_type == "LayerNormalization"]
    act_max = channel_abs_max(model, smoothed, sentences, featurize)
    new_nodes: dict[str, onnx.NodeProto] = {}
    for x in smoothed:
        mats = [numpy_helper.to_array(weights[n.input[1]]) for n in consumers[x]]
        w_max = np.max([np.abs(w).max(axis=1) for w in mats], axis=0)
        a_max = np.maximum(act_max[x], 1e-5)
        s = (a_max**SMOOTHING_ALPHA / np.maximum(w_max, 1e-5) ** (1 - SMOOTHING_ALPHA)).astype(
            np.float32
        )
        for node, w in zip(consumers[x], mats, strict=True):
            scaled = (w * s[:, None]).astype(np.float32)
            weights[node.input[1]].CopyFrom(numpy_helper.from_array(scaled, node.input[1]))
            node.input[0] = f"{x}_smoothed"
        model.graph.initializer.append(numpy_helper.from_array(1 / s, f"{x}_smoothing"))
        new_nodes[x] = helper.make_node(
            "Mul", [x, f"{x}_smoothing"], [f"{x}_smoothed"], name=f"{x}_smooth"
        )
    # Keep the graph topologically sorted: each Mul right after the LayerNorm it scales.
    ordered = []
    for node in model.graph.node:
        ordered.append(node)
        ordered += [new_nodes[out] for out in node.output if out in new_nodes]
    del model.graph.node[:]
    model.graph.node.extend(ordered)
    onnx.save(model, str(dst))


def channel_abs_max(
    model: onnx.ModelProto, names: Sequence[str], sentences: Sequence[str], featurize: Featurize
) -> dict[str, np.ndarray]:
    """Per hidden channel, the largest |activation| of ``names`` over real (unpadded) tokens."""
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    del probe.graph.output[:]
    probe.graph.output.extend(
        helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None) for name in names
    )
    session = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
    result = {name: np.zeros(0) for name in names}
    for feeds in SentenceReader(sentences, featurize).batches:
        real = feeds["attention_mask"].astype(bool)
        for name, value in zip(names, session.run(list(names), feeds), strict=True):
            batch_max = np.abs(value[real]).max(axis=0)
            result[name] = np.maximum(result[name], batch_max) if result[name].size else batch_max
    return result
