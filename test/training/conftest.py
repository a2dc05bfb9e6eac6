"""Shared fixtures for the training tests (run from the repo root: /usr/bin/python3 -m pytest test/training -q)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MTBENCH = ROOT / "data" / "mtbench-human"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def with_random_vectors(ds, dim: int = 512, seed: int = 0, embedder_id: str = "test-random"):
    """Attaches deterministic random unit vectors to every text (queries in both modes, responses, LLM
    descriptions) so graph/model/training tests need no Node embedder."""
    from training.data import build_query_text

    rng = np.random.default_rng(seed)
    texts = set(ds.llms.values())
    for it in ds.interactions:
        texts |= {build_query_text(it, "current_only"), build_query_text(it, "full_context")}
        if it.response is not None:
            texts.add(it.response)
    vecs = {}
    for t in sorted(texts):
        v = rng.normal(size=dim)
        vecs[t] = (v / np.linalg.norm(v)).astype(np.float32).tolist()
    ds.embedder = {"id": embedder_id, "dim": dim}
    ds.vectors = vecs
    return ds


def test_config(preset: str = "default", **train):
    from training.config import apply_overrides, get_preset

    cfg = apply_overrides(get_preset(preset), ["data.embedder_id=test-random", "data.personas=0", "train.progress=false"])
    for k, v in train.items():
        setattr(cfg.train, k, v)
    return cfg


test_config.__test__ = False  # a helper, not a test


@pytest.fixture(scope="session")
def mtbench_ds():
    from training.importers import import_mtbench_human

    return with_random_vectors(import_mtbench_human(MTBENCH))


@pytest.fixture(scope="session")
def mtbench_T(mtbench_ds):
    from training.graph import build_tensors

    return build_tensors(mtbench_ds, test_config())
