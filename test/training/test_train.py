"""A short training run beats random; checkpoints store the resolved config; metrics behave."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from conftest import test_config
from training.baselines import BASELINES
from training.config import get_preset
from training.evaluate import make_split, metrics_with_ci
from training.model import GMTRouter
from training.train import auc, load_checkpoint, predict_diffs, save_checkpoint, train_model


@pytest.fixture(scope="module")
def trained(mtbench_T):
    T = mtbench_T
    sp = make_split(T, "within_user", seed=0)
    cfg = test_config(epochs=60, eval_every=20)
    model, info = train_model(T, cfg, sp.train, sp.val)
    return T, sp, cfg, model, info


def test_short_training_beats_random(trained):
    T, sp, cfg, model, info = trained
    visible, pairs = sp.tests["test"]
    d = predict_diffs(model, T, visible, pairs)
    y = T.pair_label[pairs]
    ours = metrics_with_ci(T.it_user[T.pair_a[pairs]], y, d, n_boot=50)
    rnd = BASELINES["random"]().fit(T, sp.train, sp.val)
    r = metrics_with_ci(T.it_user[T.pair_a[pairs]], y, rnd.predict(T, visible, pairs), n_boot=50)
    assert ours["auc"] > 0.7 and ours["accuracy"] > 0.65, ours
    assert ours["auc_ci"][0] > r["auc_ci"][1]  # CIs do not overlap
    assert 0 < info["bestEpoch"] <= 60 and info["valAuc"] > 0.7


def test_checkpoint_roundtrip_keeps_config(trained, tmp_path):
    T, sp, cfg, model, info = trained
    path = tmp_path / "m.pt"
    save_checkpoint(path, model, cfg, T, info)
    ckpt, back = load_checkpoint(path)
    assert ckpt["config"] == cfg.to_dict() and ckpt["config"]["train"]["epochs"] == 60
    assert [l["id"] for l in ckpt["llms"]] == T.llm_ids and np.asarray(ckpt["llmVectors"]).shape == (6, 512)
    visible, pairs = sp.tests["test"]
    np.testing.assert_allclose(predict_diffs(back, T, visible, pairs[:50]), predict_diffs(model, T, visible, pairs[:50]), atol=1e-6)
    with pytest.raises(ValueError, match="not found"):
        load_checkpoint(tmp_path / "missing.pt")


def test_embedder_mismatch_is_an_error(mtbench_ds):
    from training.config import default
    from training.graph import build_tensors

    with pytest.raises(ValueError, match="test-random"):
        build_tensors(mtbench_ds, default())  # dataset carries test-random vectors, config says use-lite-512


def test_auc_matches_definition_and_is_undefined_for_one_class():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200).astype(float)
    s = rng.normal(size=200) + y
    s[:20] = 0.0  # ties in scores
    from sklearn.metrics import roc_auc_score

    assert auc(y, s) == pytest.approx(roc_auc_score(y, s))
    assert np.isnan(auc(np.ones(5), np.arange(5.0)))


def test_user_macro_auc_skips_single_class_users():
    users = np.array([0, 0, 0, 0, 1, 1])
    y = np.array([1, 0, 1, 0, 1, 1.0])
    d = np.array([1, -1, 1, -1, -1, -1.0])  # user 0 perfect; user 1 one class and all wrong
    m = metrics_with_ci(users, y, d, n_boot=20)
    assert m["user_macro_auc"] == 1.0 and m["n_users_auc_defined"] == 1  # undefined, not 0
    assert m["accuracy"] == pytest.approx(4 / 6)


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_baselines_run(mtbench_T, name):
    T = mtbench_T
    sp = make_split(T, "held_out_users", seed=0)
    b = BASELINES[name]().fit(T, sp.train, sp.val, seed=0)
    for visible, pairs in sp.tests.values():
        d = np.asarray(b.predict(T, visible, pairs))
        assert d.shape == (len(pairs),) and np.isfinite(d).all()
    if name == "global-bt":  # gpt-4 strongest, llama-13b weakest (SOURCES.md win rates)
        assert T.llm_ids[int(np.argmax(b.beta))] == "gpt-4" and T.llm_ids[int(np.argmin(b.beta))] == "llama-13b"


def test_history_shrink_is_the_largest_within_tolerance_of_the_best_on_base_validation():
    from training.recipe import choose_history_shrink

    cfg = get_preset("tiny")
    cfg.train.history_shrinks = [1.0, 0.75, 0.5, 0.25, 0.0]
    model = GMTRouter(cfg.model)
    by_shrink = {1.0: 0.800, 0.75: 0.830, 0.5: 0.834, 0.25: 0.836, 0.0: 0.829}
    seen = []

    def val(m):
        seen.append(m.encoder.cfg.history_shrink)  # the model reads the config it was built with
        return by_shrink[m.encoder.cfg.history_shrink]

    info = choose_history_shrink(model, cfg, val)
    assert sorted(seen) == sorted(by_shrink)
    assert cfg.model.history_shrink == 0.5 and model.encoder.cfg.history_shrink == 0.5 and info["chosen"] == 0.5
    assert info["baseValAuc"]["0.25"] == 0.836


def test_evaluate_trains_another_initialisation_of_the_same_split_for_train_init(mtbench_ds, monkeypatch):
    import training.evaluate as ev

    monkeypatch.setattr(ev, "get_preset", lambda name: test_config(name))
    variants = {"init0": ("default", ["train.init=0"]), "init1": ("default", ["train.init=1"])}
    rep = ev.run_evaluation(mtbench_ds, ["held_out_users"], [0], ["init0", "ours", "init1"], variants, faithful_epochs=1, faithful_seeds=0,
                            epochs=3, n_boot=5, log=lambda s: None, progress=False)
    pred = {p["method"]: p for p in rep["predictions"] if p["condition"] == "k=5"}
    assert pred["init0"]["labels"] == pred["init1"]["labels"] and pred["init0"]["users"] == pred["init1"]["users"]  # the same test pairs
    assert pred["init0"]["diffs"] == pred["ours"]["diffs"]  # init 0 is the default
    assert pred["init0"]["diffs"] != pred["init1"]["diffs"]  # another initialisation
