"""ONNX export: checker, graph inputs/outputs against contract.json, manifest fields, parity fixtures."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from conftest import ROOT, test_config
from training.evaluate import make_split
from training.export_onnx import (UserEncoderGraph, ScorerGraph, check_exported, encoder_input_names, export_checkpoint,
                                  load_contract, onnx_io)
from training.train import parity_user_inputs, save_checkpoint, train_model

CONTRACT = load_contract()
COMMITTED = [ROOT / "test" / "fixtures" / "tiny-model", ROOT / "router-core" / "models" / "default"]
INDEX_INPUTS = {"session_llm", "chain_src", "chain_dst"}


@pytest.fixture(scope="module")
def exported(mtbench_T, tmp_path_factory):
    T = mtbench_T
    cfg = test_config("tiny", epochs=3)
    sp = make_split(T, "within_user", seed=0)
    model, info = train_model(T, cfg, sp.train, sp.val)
    out = tmp_path_factory.mktemp("export")
    vis = np.arange(len(T.it_user))
    save_checkpoint(out / "m.pt", model, cfg, T, info, {"note": "test"}, parity_user_inputs(T, vis, 0))
    manifest = export_checkpoint(out / "m.pt", out / "model")
    return out / "model", manifest, model


def _dims_ok(spec_shape, got_shape, manifest):
    sym = {"D": manifest["dims"]["embedding"], "H": manifest["dims"]["hidden"]}
    for w, g in zip(spec_shape, got_shape):
        if isinstance(w, int):
            assert g == w
        elif w in sym:
            assert g == sym[w], (w, g)
        else:
            assert isinstance(g, str) and g, f"dynamic dim {w} exported as {g!r}"


def _strict_json(path: Path):
    """json.loads that rejects NaN/Infinity like Node's JSON.parse."""
    def bad(c):
        raise AssertionError(f"{path}: {c} is not valid JSON for Node")
    return json.loads(path.read_text(), parse_constant=bad)


def _check_model_dir(d: Path):
    manifest = _strict_json(d / "manifest.json")
    check_exported(d, CONTRACT)
    for section in ("userEncoder", "scorer"):
        io = onnx_io(d / CONTRACT[section]["file"])
        want = [i for i in CONTRACT[section]["inputs"] if not i.get("optional") or manifest["features"].get(i["feature"])]
        assert [i["name"] for i in io["inputs"]] == [w["name"] for w in want]
        for g, w in zip(io["inputs"] + io["outputs"], want + CONTRACT[section]["outputs"]):
            assert g["name"] == w["name"] and g["dtype"] == w["dtype"] and len(g["shape"]) == len(w["shape"])
            _dims_ok(w["shape"], g["shape"], manifest)
        m = onnx.load(str(d / CONTRACT[section]["file"]))
        assert m.opset_import[0].version == 17
        for n in m.graph.node:  # index_add must be ScatterND with reduction add, never an overwriting scatter
            if n.op_type in ("ScatterND", "ScatterElements"):
                assert n.op_type == "ScatterND" and any(a.name == "reduction" and a.s == b"add" for a in n.attribute)
    # manifest
    for key in CONTRACT["manifest"]["required"]:
        assert key in manifest, key
    assert manifest["contractVersion"] == CONTRACT["contractVersion"]
    assert manifest["embedder"]["dim"] == manifest["dims"]["embedding"]
    assert manifest["queryMode"] in CONTRACT["queryText"]["modes"]
    assert manifest["files"]["userEncoder"] == CONTRACT["userEncoder"]["file"] and manifest["files"]["scorer"] == CONTRACT["scorer"]["file"]
    assert manifest["rating"] == CONTRACT["rating"]
    assert manifest["llms"] and all(len(l["embedding"]) == manifest["dims"]["embedding"] and l["description"] for l in manifest["llms"])
    from training.config import Config

    assert Config.from_dict(manifest["config"]).model.user_dim == manifest["dims"]["hidden"]
    # parity fixture
    parity = _strict_json(d / manifest["files"]["parity"])
    names = [c["name"] for c in parity["cases"]]
    assert {"normal_user", "no_chain_edges", "multi_turn_chain", "no_history"} <= set(names)
    dtypes = {i["name"]: i["dtype"] for s in ("userEncoder", "scorer") for i in CONTRACT[s]["inputs"]}
    H, D = manifest["dims"]["hidden"], manifest["dims"]["embedding"]
    for c in parity["cases"]:
        ins = c["userEncoder"]["inputs"]
        for name, t in list(ins.items()) + list(c["scorer"]["inputs"].items()):
            assert int(np.prod(t["dims"])) == len(t["data"]), (c["name"], name)
            if dtypes[name] == "int64":
                assert all(isinstance(v, int) for v in t["data"])
        S, M = ins["query_x"]["dims"][0], ins["llm_x"]["dims"][0]
        assert ins["rating"]["dims"] == [S] and ins["session_llm"]["dims"] == [S]
        assert all(0 <= v < M for v in ins["session_llm"]["data"])
        assert all(0 <= v < S for v in ins["chain_src"]["data"] + ins["chain_dst"]["data"])
        assert c["userEncoder"]["expected"]["user_vec"]["dims"] == [1, H]
        B = c["scorer"]["inputs"]["query_x"]["dims"][0]
        assert c["scorer"]["expected"]["scores"]["dims"] == [B, c["scorer"]["inputs"]["llm_x"]["dims"][0]]
        assert c["scorer"]["inputs"]["user_vec"]["data"][:H] == c["userEncoder"]["expected"]["user_vec"]["data"]
        if c["name"] == "no_history":
            assert S == 0
        if c["name"] == "no_chain_edges":
            assert ins["chain_src"]["dims"] == [0] and S > 0
        if c["name"] == "multi_turn_chain":
            assert ins["chain_src"]["dims"][0] > 0
    return manifest, parity


def test_export_matches_contract(exported):
    d, manifest, model = exported
    _check_model_dir(d)
    assert manifest["metrics"] == {"note": "test"} and manifest["dims"] == {"embedding": 512, "hidden": 528}  # H = 8, plus 8 + 512 of rating evidence


def test_parity_expected_equals_pytorch(exported):
    d, manifest, model = exported
    parity = json.loads((d / "parity.json").read_text())
    names = encoder_input_names(model.cfg)
    for c in parity["cases"]:
        ins = c["userEncoder"]["inputs"]
        tens = [torch.tensor(ins[n]["data"], dtype=torch.long if n in INDEX_INPUTS else torch.float32).reshape(ins[n]["dims"]) for n in names]
        with torch.no_grad():
            u = UserEncoderGraph(model)(*tens)
            s_in = c["scorer"]["inputs"]
            s = ScorerGraph(model)(*[torch.tensor(s_in[n]["data"]).reshape(s_in[n]["dims"]) for n in ("user_vec", "query_x", "llm_x")])
        np.testing.assert_allclose(u.reshape(-1).numpy(), c["userEncoder"]["expected"]["user_vec"]["data"], atol=1e-6)
        np.testing.assert_allclose(s.reshape(-1).numpy(), c["scorer"]["expected"]["scores"]["data"], atol=1e-6)


def test_check_exported_rejects_wrong_names(exported, tmp_path):
    d, manifest, model = exported
    bad = json.loads(json.dumps(CONTRACT))
    bad["scorer"]["inputs"][0]["name"] = "user_vector"
    with pytest.raises(ValueError, match="user_vector"):
        check_exported(d, bad)


@pytest.mark.parametrize("d", COMMITTED, ids=[p.name for p in COMMITTED])
def test_committed_model_dirs(d):
    manifest, _ = _check_model_dir(d)
    assert manifest["embedder"] == {"id": CONTRACT["embedder"]["id"], "dim": CONTRACT["embedder"]["dim"]}
    total = sum(p.stat().st_size for p in d.iterdir())
    assert total < 5 * 1024 * 1024


@pytest.mark.parametrize("which", ["fresh"] + [p.name for p in COMMITTED])
def test_onnxruntime_node_parity(exported, which):
    """Runs the ONNX files in onnxruntime-node (1 intra-op thread) on parity.json: max abs diff <= tolerance."""
    d = exported[0] if which == "fresh" else next(p for p in COMMITTED if p.name == which)
    r = subprocess.run(["node", str(ROOT / "bench" / "training" / "check-parity.mjs"), str(d)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no_history" in r.stdout and "worst=" in r.stdout


def test_app_export_trains_and_exports(tmp_path):
    """End to end on the app's format: single ratings (thumbs/stars/feedback) are history, comparisons are
    pairs; an LLM description unseen in MT-Bench becomes an LLM node; the manifest stays strict JSON."""
    from conftest import FIXTURES, with_random_vectors
    from training.graph import build_tensors
    from training.importers import import_app_export

    ds = with_random_vectors(import_app_export(FIXTURES / "app-export-sample.jsonl"))
    cfg = test_config("tiny", epochs=3)
    T = build_tensors(ds, cfg)
    ungrouped = np.nonzero(~T.it_grouped)[0]
    assert len(ungrouped) == 3  # m1, m2 (a 2-turn chain) and m7
    model, info = train_model(T, cfg, np.arange(len(T.groups)), np.zeros(0, dtype=np.int64), ungrouped)
    save_checkpoint(tmp_path / "a.pt", model, cfg, T, info, None, parity_user_inputs(T, np.arange(len(T.it_user)), 0))
    manifest = export_checkpoint(tmp_path / "a.pt", tmp_path / "model")
    assert [l["id"] for l in manifest["llms"]] == sorted(ds.llms)
    _check_model_dir(tmp_path / "model")
