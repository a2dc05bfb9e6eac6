"""Writes ``router-core/kernels/similarity.onnx``: one MatMul, stored rows [N, D] times a query [D, 1].

The population prior (router-core/population-prior.ts) dots every turn's query with up to 1,000 stored
query directions of 512 dimensions. A JavaScript loop takes about 2 ms of the event loop for that;
onnxruntime's MatMul about 0.1 ms (bench/routing/population-kernel.ts). The graph has no weights: the rows are an
input, held as one tensor per population sample (router-core/session.ts, SimilarityKernel).

The file is committed (a few hundred bytes, byte-identical on every run of this script), so serving
needs no build step; rerun this only to change the graph.

Usage: /usr/bin/python3 scripts/build-similarity-onnx.py [--out FILE]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import onnx
from onnx import TensorProto, helper

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "router-core" / "kernels" / "similarity.onnx"


def build() -> onnx.ModelProto:
    rows = helper.make_tensor_value_info("rows", TensorProto.FLOAT, ["rows", "dim"])
    query = helper.make_tensor_value_info("query", TensorProto.FLOAT, ["dim", 1])
    dots = helper.make_tensor_value_info("dots", TensorProto.FLOAT, ["rows", 1])
    graph = helper.make_graph([helper.make_node("MatMul", ["rows", "query"], ["dots"])], "similarity", [rows, query], [dots])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="switchboard")
    model.ir_version = 8  # onnxruntime 1.14 and later read it
    onnx.checker.check_model(model)
    return model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the graph")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(build().SerializeToString())
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
