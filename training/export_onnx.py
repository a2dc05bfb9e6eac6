"""Export a trained checkpoint to ONNX (opset 17): user_encoder.onnx, scorer.onnx, manifest.json,
parity.json, as router-core/contract.json specifies.

``index_add`` is exported through a custom symbolic (ScatterND with reduction "add"): the stock 1.13
exporter emits a ScatterElements without reduction, which silently overwrites duplicates.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import io
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np
import torch
from torch import Tensor, nn

from . import __version__
from .config import Config, DataConfig, ModelConfig
from .contract import load_contract
from .model import GMTRouter

OPSET = 17
_REGISTERED = False


def _index_add_symbolic(g, self, dim, index, source, alpha=None):
    from torch.onnx import symbolic_helper as sh

    if sh._maybe_get_const(dim, "i") != 0:
        raise ValueError(f"index_add export supports dim=0 only, got {dim}")
    axes = g.op("Constant", value_t=torch.tensor([-1], dtype=torch.long))
    return g.op("ScatterND", self, g.op("Unsqueeze", index, axes), source, reduction_s="add")


def register_symbolics() -> None:
    """Registers the ScatterND symbolic for aten::index_add (idempotent)."""
    global _REGISTERED
    if not _REGISTERED:
        torch.onnx.register_custom_op_symbolic("aten::index_add", _index_add_symbolic, OPSET)
        _REGISTERED = True


def _export_kwargs() -> Dict[str, Any]:
    """Newer torch defaults torch.onnx.export to the dynamo exporter, which ignores custom TorchScript
    symbolics; ask for the TorchScript exporter explicitly where the option exists."""
    import inspect

    return {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}


def encoder_input_names(cfg: ModelConfig) -> List[str]:
    """The user encoder's inputs in contract order; the optional ones only where the model reads them."""
    optional = (["response_x"] if cfg.response_text else []) + (["response_len"] if cfg.answer_length else [])
    return ["query_x", "rating", *optional, "llm_x", "session_llm", "chain_src", "chain_dst"]


class UserEncoderGraph(nn.Module):
    """ONNX-facing user encoder: one user's history -> user_vec [1, H]."""

    def __init__(self, model: GMTRouter) -> None:
        super().__init__()
        self.encoder = model.encoder
        self.cfg = model.cfg
        self.user_dim = model.cfg.user_dim

    def forward(self, *inputs: Tensor) -> Tensor:
        named = dict(zip(encoder_input_names(self.cfg), inputs))
        session_user = named["session_llm"] * 0  # every session belongs to user 0
        user_vec = self.encoder(
            named["query_x"], named["rating"], named["llm_x"], named["session_llm"], named["chain_src"],
            named["chain_dst"], session_user, 1, named.get("response_x"), named.get("response_len"),
        )
        return user_vec.reshape(1, self.user_dim)  # a static width, also where it is a concatenation


class ScorerGraph(nn.Module):
    def __init__(self, model: GMTRouter) -> None:
        super().__init__()
        self.predictor = model.predictor

    def forward(self, user_vec: Tensor, query_x: Tensor, llm_x: Tensor) -> Tensor:
        return self.predictor(user_vec, query_x, llm_x)


def _dummy_encoder_inputs(cfg: ModelConfig) -> List[Tensor]:
    g = torch.Generator().manual_seed(0)
    S, M, C = 5, 3, 2  # distinct sizes so no dimension is specialised to another
    named = {
        "query_x": torch.randn(S, cfg.embed_dim, generator=g), "rating": torch.rand(S, generator=g),
        "response_x": torch.randn(S, cfg.embed_dim, generator=g), "response_len": torch.randn(S, generator=g), "llm_x": torch.randn(M, cfg.embed_dim, generator=g),
        "session_llm": torch.tensor([0, 1, 2, 0, 1]), "chain_src": torch.tensor([0, 1]), "chain_dst": torch.tensor([1, 2]),
    }
    return [named[n] for n in encoder_input_names(cfg)]


def export_onnx_files(model: GMTRouter, out_dir: Path) -> Dict[str, str]:
    """Writes user_encoder.onnx and scorer.onnx; returns the file names."""
    register_symbolics()
    model.eval()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cfg = model.cfg
    names = encoder_input_names(cfg)
    axes = {"query_x": {0: "S"}, "rating": {0: "S"}, "response_x": {0: "S"}, "response_len": {0: "S"}, "llm_x": {0: "M"},
            "session_llm": {0: "S"}, "chain_src": {0: "C"}, "chain_dst": {0: "C"}}
    with torch.no_grad():
        torch.onnx.export(
            UserEncoderGraph(model), tuple(_dummy_encoder_inputs(cfg)),
            str(out_dir / "user_encoder.onnx"), input_names=names, output_names=["user_vec"],
            dynamic_axes={n: axes[n] for n in names}, opset_version=OPSET, do_constant_folding=True, **_export_kwargs(),
        )
        torch.onnx.export(
            ScorerGraph(model), (torch.randn(2, cfg.user_dim), torch.randn(2, cfg.embed_dim), torch.randn(3, cfg.embed_dim)),
            str(out_dir / "scorer.onnx"), input_names=["user_vec", "query_x", "llm_x"], output_names=["scores"],
            dynamic_axes={"user_vec": {0: "B"}, "query_x": {0: "B"}, "llm_x": {0: "M"}, "scores": {0: "B", 1: "M"}},
            opset_version=OPSET, do_constant_folding=True, **_export_kwargs(),
        )
    return {"userEncoder": "user_encoder.onnx", "scorer": "scorer.onnx", "parity": "parity.json"}


def _tensor_json(t: Tensor) -> Dict[str, Any]:
    t = t.detach()
    data = t.reshape(-1).tolist() if t.dtype == torch.int64 else [float(x) for x in t.reshape(-1).float().tolist()]
    return {"dims": list(t.shape), "data": data}


def make_parity_case(model: GMTRouter, name: str, enc_inputs: Dict[str, Tensor], query_x: Tensor, llm_x: Tensor) -> Dict[str, Any]:
    """Runs the PyTorch model on the given inputs and records inputs + outputs (contract "parity")."""
    model.eval()
    names = encoder_input_names(model.cfg)
    with torch.no_grad():
        user_vec = UserEncoderGraph(model)(*[enc_inputs[n] for n in names])
        scores = ScorerGraph(model)(user_vec.expand(query_x.shape[0], -1), query_x, llm_x)
    return {
        "name": name,
        "userEncoder": {"inputs": {n: _tensor_json(enc_inputs[n]) for n in names}, "expected": {"user_vec": _tensor_json(user_vec)}},
        "scorer": {
            "inputs": {"user_vec": _tensor_json(user_vec.expand(query_x.shape[0], -1)), "query_x": _tensor_json(query_x), "llm_x": _tensor_json(llm_x)},
            "expected": {"scores": _tensor_json(scores)},
        },
    }


def default_parity_cases(model: GMTRouter, query_pool: np.ndarray, llm_x: np.ndarray, seed: int = 0,
                         normal_user: Optional[Dict[str, Tensor]] = None) -> List[Dict[str, Any]]:
    """The four contract cases: a normal user, an empty relation (no chain edges), a multi-turn chain and
    a user with no history. ``query_pool`` [N, D] supplies realistic query vectors."""
    rng = np.random.default_rng(seed)
    D, M = llm_x.shape[1], llm_x.shape[0]
    L = torch.tensor(llm_x, dtype=torch.float32)

    def pick(n):
        return torch.tensor(query_pool[rng.integers(0, len(query_pool), n)], dtype=torch.float32)

    def case(S, chain):
        src = torch.tensor([c[0] for c in chain], dtype=torch.long)
        dst = torch.tensor([c[1] for c in chain], dtype=torch.long)
        return {
            "query_x": pick(S), "rating": torch.tensor(rng.choice([0.0, 0.5, 1.0], S), dtype=torch.float32),
            "response_x": pick(S), "response_len": torch.tensor(rng.normal(0, 1, S), dtype=torch.float32), "llm_x": L, "session_llm": torch.tensor(rng.integers(0, M, S), dtype=torch.long),
            "chain_src": src, "chain_dst": dst,
        }

    normal = normal_user or case(24, [(2 * i, 2 * i + 1) for i in range(0, 6)])
    cases = [
        ("normal_user", normal),
        ("no_chain_edges", case(6, [])),
        ("multi_turn_chain", case(6, [(0, 1), (1, 2), (3, 4), (4, 5)])),
        ("no_history", case(0, [])),
    ]
    return [make_parity_case(model, n, inp, pick(3), L) for n, inp in cases]


def json_safe(x: Any) -> Any:
    """NaN/inf -> None recursively, so the JSON parses in Node (JSON.parse rejects NaN)."""
    if isinstance(x, float):
        return x if np.isfinite(x) else None
    if isinstance(x, dict):
        return {k: json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    return x


def build_manifest(ckpt: Dict[str, Any], llm_vectors: np.ndarray, files: Dict[str, str], contract: Dict[str, Any]) -> Dict[str, Any]:
    cfg = ckpt["config"]
    data = DataConfig(**cfg["data"])  # checkpoints from before retrieval_top_k existed get its default
    # k is part of how the query text is built, so router-core must serve with the k the model learnt on
    retrieval = {"retrievalTopK": data.retrieval_top_k} if data.query_mode == "retrieval" else {}
    # the online layer's constants as chosen on validation users at training time (training/recipe.py)
    chosen = ckpt.get("trainInfo", {}).get("onlinePreference")
    online = {"onlinePreference": {"beta": chosen["beta"], "kappa": chosen["kappa"]}} if chosen else {}
    return {
        "contractVersion": contract["contractVersion"],
        "routerVersion": f"gmtrouter-switchboard/{__version__}",
        "createdAt": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "embedder": {"id": cfg["data"]["embedder_id"], "dim": cfg["data"]["embed_dim"]},
        "dims": {"embedding": cfg["model"]["embed_dim"], "hidden": Config.from_dict(cfg).model.user_dim},
        "queryMode": data.query_mode,
        **retrieval,
        **online,
        "features": {"responseText": bool(cfg["model"]["response_text"]), "answerLength": bool(cfg["model"].get("answer_length", False))},
        "files": files,
        "llms": [
            {"id": l["id"], "description": l["description"], "embedding": [float(x) for x in v]}
            for l, v in zip(ckpt["llms"], llm_vectors)
        ],
        "rating": contract["rating"],
        "trainingData": ckpt.get("trainingData", {}),
        "metrics": ckpt.get("metrics", {}),
        "config": cfg,
    }


def export_checkpoint(ckpt_path: Path, out_dir: Path, parity_user: Optional[Dict[str, Tensor]] = None,
                      metrics: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Checkpoint -> ONNX files + manifest.json + parity.json in ``out_dir``; returns the manifest.
    ``metrics`` replaces the metrics stored in the checkpoint."""
    from .train import load_checkpoint  # local import: train imports this module's helpers lazily too

    ckpt, model = load_checkpoint(ckpt_path)
    if metrics is not None:
        ckpt["metrics"] = metrics
    out_dir = Path(out_dir)
    files = export_onnx_files(model, out_dir)
    llm_vectors = np.asarray(ckpt["llmVectors"], dtype=np.float32)
    pool = np.asarray(ckpt.get("parityQueryPool") or llm_vectors, dtype=np.float32)
    parity_user = parity_user or _tensors_from_json(ckpt.get("parityUser"))
    cases = default_parity_cases(model, pool, llm_vectors, normal_user=parity_user)
    contract = load_contract()
    (out_dir / "parity.json").write_text(json.dumps({"tolerance": contract["parity"]["tolerance"], "cases": cases}), encoding="utf-8")
    manifest = build_manifest(ckpt, llm_vectors, files, contract)
    manifest = json_safe(manifest)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")
    check_exported(out_dir, contract)
    return manifest


def _tensors_from_json(d: Optional[Dict[str, Any]]) -> Optional[Dict[str, Tensor]]:
    if not d:
        return None
    out = {}
    for k, v in d.items():
        dtype = torch.long if k in ("session_llm", "chain_src", "chain_dst") else torch.float32
        out[k] = torch.tensor(v["data"], dtype=dtype).reshape(v["dims"])
    return out


_ONNX_DTYPES = {1: "float32", 7: "int64"}


def onnx_io(path: Path) -> Dict[str, List[Dict[str, Any]]]:
    """Graph inputs/outputs as [{name, dtype, shape}] with symbolic dims as strings."""
    import onnx

    m = onnx.load(str(path))

    def desc(v):
        t = v.type.tensor_type
        shape = [d.dim_param if d.dim_param else d.dim_value for d in t.shape.dim]
        return {"name": v.name, "dtype": _ONNX_DTYPES.get(t.elem_type, str(t.elem_type)), "shape": shape}

    init = {i.name for i in m.graph.initializer}
    return {"inputs": [desc(v) for v in m.graph.input if v.name not in init], "outputs": [desc(v) for v in m.graph.output]}


def check_exported(out_dir: Path, contract: Optional[Dict[str, Any]] = None) -> None:
    """onnx.checker plus input/output names, dtypes and ranks against the contract; raises ValueError."""
    import onnx

    contract = contract or load_contract()
    manifest = json.loads((Path(out_dir) / "manifest.json").read_text()) if (Path(out_dir) / "manifest.json").exists() else None
    for section in ("userEncoder", "scorer"):
        spec = contract[section]
        path = Path(out_dir) / spec["file"]
        onnx.checker.check_model(onnx.load(str(path)))
        io_ = onnx_io(path)
        # an optional input is there exactly when the manifest turns on the feature the contract names for it
        want_in = [i for i in spec["inputs"] if not i.get("optional") or (manifest and manifest["features"].get(i["feature"]))]
        for kind, want in (("inputs", want_in), ("outputs", spec["outputs"])):
            got = io_[kind]
            if [g["name"] for g in got] != [w["name"] for w in want]:
                raise ValueError(f"{path}: {kind} {[g['name'] for g in got]} != contract {[w['name'] for w in want]}")
            for g, w in zip(got, want):
                if g["dtype"] != w["dtype"] or len(g["shape"]) != len(w["shape"]):
                    raise ValueError(f"{path}: {kind} {g['name']}: {g['dtype']}{g['shape']} != contract {w['dtype']}{w['shape']}")
                for gd, wd in zip(g["shape"], w["shape"]):
                    if isinstance(wd, int) and gd != wd:
                        raise ValueError(f"{path}: {g['name']} dim {gd} != contract {wd}")
                    if isinstance(wd, str) and wd in ("D",) and manifest and gd != manifest["dims"]["embedding"]:
                        raise ValueError(f"{path}: {g['name']} dim {gd} != manifest dims.embedding")
                    if isinstance(wd, str) and wd in ("H",) and manifest and gd != manifest["dims"]["hidden"]:
                        raise ValueError(f"{path}: {g['name']} dim {gd} != manifest dims.hidden")


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training export", description=__doc__.split("\n\n")[0])
    p.add_argument("--checkpoint", required=True, type=Path, help="checkpoint written by `train` (.pt)")
    p.add_argument("--out", required=True, type=Path, help="output folder (e.g. router-core/models/default)")
    p.add_argument("--metrics", type=Path, help="JSON file to use as manifest.metrics instead of the checkpoint's")
    args = p.parse_args(argv)
    metrics = json.loads(args.metrics.read_text()) if args.metrics else None
    manifest = export_checkpoint(args.checkpoint, args.out, metrics=metrics)
    sizes = {f: (args.out / f).stat().st_size for f in ("user_encoder.onnx", "scorer.onnx", "manifest.json", "parity.json")}
    print(json.dumps({"out": str(args.out), "dims": manifest["dims"], "bytes": sizes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
