"""Query-text modes, retrieval above all: the trainer must build exactly the text router-core serves with.

The cross-language half lives in test/fixtures/retrieval-query-text.json; test/router-core/
retrieval-contract.test.ts checks router-core against the same file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import ROOT, test_config
from training.config import DataConfig, apply_overrides, default
from training.data import Interaction, build_query_text
from training.embed import embed_texts
from training.export_onnx import build_manifest, load_contract
from training.query_text import build_query_texts, cosine_similarity, select_retrieval_turns

FIXTURE = json.loads((ROOT / "test" / "fixtures" / "retrieval-query-text.json").read_text(encoding="utf-8"))
CONTRACT = load_contract()


def _interaction(current: str, earlier) -> Interaction:
    return Interaction(id="i", user="u", session="s", turn=len(earlier) + 1, query=current, context=list(earlier), llm="m", rating=1.0)


def _retrieval(k: int) -> DataConfig:
    return DataConfig(query_mode="retrieval", retrieval_top_k=k,
                      query_separator=CONTRACT["queryText"]["separator"], query_max_chars=CONTRACT["queryText"]["maxChars"])


@pytest.mark.parametrize("case", FIXTURE["vectorCases"], ids=lambda c: c["name"])
def test_retrieval_selection_and_text_match_the_fixture(case):
    vectors = {case["current"]: case["currentVector"], **dict(zip(case["earlier"], case["earlierVectors"]))}
    embed = lambda texts: np.array([vectors[t] for t in texts], dtype=np.float32)  # noqa: E731
    current = np.array(case["currentVector"], dtype=np.float32)
    earlier = [np.array(v, dtype=np.float32) for v in case["earlierVectors"]]
    assert select_retrieval_turns(current, earlier, case["k"]) == case["expectedRetrieved"]
    assert build_query_texts([_interaction(case["current"], case["earlier"])], _retrieval(case["k"]), embed) == [case["expectedText"]]


def test_retrieval_with_the_serving_embedder_matches_the_fixture(tmp_path):
    assert DataConfig().embedder_id == FIXTURE["embedderId"]
    embed = lambda texts: embed_texts(texts, FIXTURE["embedderId"], 512, cache_dir=tmp_path)  # noqa: E731
    for case in FIXTURE["embedderCases"]:
        got = build_query_texts([_interaction(case["current"], case["earlier"])], _retrieval(case["k"]), embed)
        assert got == [case["expectedText"]], case["name"]


def test_cosine_is_zero_for_a_zero_vector_and_exact_for_parallel_vectors():
    assert cosine_similarity(np.zeros(4, np.float32), np.ones(4, np.float32)) == 0.0
    assert cosine_similarity(np.array([1, 0], np.float32), np.array([3, 0], np.float32)) == 1.0


def test_retrieval_keeps_the_last_max_chars():
    it = _interaction("q" * 10, ["a" * 3000, "b" * 3000])
    embed = lambda texts: np.ones((len(texts), 3), dtype=np.float32)  # noqa: E731
    [text] = build_query_texts([it], _retrieval(2), embed)
    assert len(text) == CONTRACT["queryText"]["maxChars"] and text.endswith("\n\n" + "q" * 10)


def test_other_modes_do_not_embed():
    def refuse(texts):
        raise AssertionError("current_only/full_context must not call the embedder")
    it = _interaction("now", ["before"])
    assert build_query_texts([it], DataConfig(query_mode="current_only"), refuse) == ["now"]
    assert build_query_texts([it], DataConfig(query_mode="full_context"), refuse) == ["before\n\nnow"]


def test_unknown_mode_names_the_value():
    with pytest.raises(ValueError, match="'bogus'"):
        build_query_text(_interaction("q", []), "bogus")


def test_config_accepts_retrieval_and_rejects_k_below_one():
    cfg = apply_overrides(default(), ["data.query_mode=retrieval", "data.retrieval_top_k=3"])
    assert (cfg.data.query_mode, cfg.data.retrieval_top_k) == ("retrieval", 3)
    with pytest.raises(ValueError, match="data.retrieval_top_k=0"):
        apply_overrides(default(), ["data.query_mode=retrieval", "data.retrieval_top_k=0"])


def test_mtbench_retrieval_equals_full_context(mtbench_ds):
    """MT-Bench has two turns, so a turn-2 query has one earlier message and retrieval (k >= 1) picks
    it: on this data retrieval and full_context are the same texts (training/results/query-modes.md)."""
    vectors = {t: np.asarray(v, dtype=np.float32) for t, v in mtbench_ds.vectors.items()}
    embed = lambda texts: np.stack([vectors[t] for t in texts])  # noqa: E731
    its = mtbench_ds.interactions
    assert build_query_texts(its, _retrieval(2), embed) == build_query_texts(its, DataConfig(query_mode="full_context"), embed)
    assert sum(1 for it in its if it.context) > 0


@pytest.mark.parametrize("mode,k,want", [("retrieval", 3, {"retrievalTopK": 3}), ("current_only", 2, {})])
def test_manifest_records_mode_and_retrieval_k(mode, k, want):
    cfg = test_config("tiny")
    cfg.data.query_mode, cfg.data.retrieval_top_k = mode, k
    ckpt = {"config": cfg.to_dict(), "llms": [{"id": "m", "description": "d"}]}
    manifest = build_manifest(ckpt, np.zeros((1, 512), np.float32), {"userEncoder": "u", "scorer": "s"}, CONTRACT)
    assert manifest["queryMode"] == mode
    assert {key: manifest[key] for key in ("retrievalTopK",) if key in manifest} == want


def test_manifest_of_a_checkpoint_without_retrieval_k_still_builds():
    cfg = test_config("tiny").to_dict()
    del cfg["data"]["retrieval_top_k"]
    manifest = build_manifest({"config": cfg, "llms": [{"id": "m", "description": "d"}]}, np.zeros((1, 512), np.float32), {}, CONTRACT)
    assert manifest["queryMode"] == "current_only" and "retrievalTopK" not in manifest
