"""Online preference layer (training/online.py): exact values on a hand-computed example, direction,
identity at beta = 0, and the per-pair evaluation helper seeing only each user's visible history."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import test_config

from training.online import apply_online, online_preference, pair_preference_diffs


def hand_example():
    # query q = e1; history (model, rating, query):
    #   i=0: model 0, r=1,   q0 = e1            -> cos 1,        w = 1
    #   i=1: model 0, r=0,   q1 = (e1+e2)/sqrt2 -> cos 1/sqrt2,  w = 1/2
    #   i=2: model 1, r=0,   q2 = 2*e1          -> cos 1,        w = 1 (norm does not matter)
    #   i=3: model 1, r=1,   q3 = -e1           -> cos -1,       w = 0 (clipped)
    #   i=4: model 2, r=0.5, q4 = e2            -> cos 0,        w = 0
    q = np.array([1.0, 0.0, 0.0])
    H = np.array([[1, 0, 0], [1, 1, 0], [2, 0, 0], [-1, 0, 0], [0, 1, 0]], dtype=float)
    models = [0, 0, 1, 1, 2]
    ratings = [1.0, 0.0, 0.0, 1.0, 0.5]
    return q, H, models, ratings


def test_hand_computed_values():
    q, H, models, ratings = hand_example()
    a = online_preference(q, H, models, ratings, n_models=4, kappa=1.0)
    # a_0 = (1*0.5 + 0.5*(-0.5)) / (1 + 1.5) = 0.25 / 2.5 = 0.1
    # a_1 = (1*(-0.5) + 0*0.5) / (1 + 1) = -0.25
    # a_2 = 0 / (1 + 0) = 0;  a_3 (no history) = 0
    np.testing.assert_allclose(a, [0.1, -0.25, 0.0, 0.0], atol=1e-12)
    s = np.array([0.3, -0.2, 1.0, 0.0])
    np.testing.assert_allclose(apply_online(s, q, H, models, ratings, beta=4.0, kappa=1.0), [0.7, -1.2, 1.0, 0.0], atol=1e-12)
    # kappa = 0.5: a_0 = 0.25 / 2.0, a_1 = -0.5 / 1.5
    a = online_preference(q, H, models, ratings, n_models=4, kappa=0.5)
    np.testing.assert_allclose(a, [0.125, -1 / 3, 0.0, 0.0], atol=1e-12)


def test_batched_queries_match_single():
    q, H, models, ratings = hand_example()
    Qb = np.array([q, [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    batch = online_preference(Qb, H, models, ratings, n_models=3)
    for j in range(3):
        np.testing.assert_allclose(batch[j], online_preference(Qb[j], H, models, ratings, n_models=3), atol=1e-12)
    np.testing.assert_allclose(batch[2], 0.0)  # orthogonal query: no weight, no change


def test_beta_zero_is_identity_and_no_history_is_identity():
    rng = np.random.default_rng(0)
    s, Q = rng.normal(size=(5, 6)), rng.normal(size=(5, 16))
    H = rng.normal(size=(20, 16))
    m, r = rng.integers(0, 6, 20), rng.random(20)
    np.testing.assert_array_equal(apply_online(s, Q, H, m, r, beta=0.0), s)
    np.testing.assert_array_equal(apply_online(s, Q, np.zeros((0, 16)), [], [], beta=4.0), s)


@pytest.mark.parametrize("beta", [1.0, 4.0, 8.0])
def test_more_wins_for_a_raise_a_over_b(beta):
    rng = np.random.default_rng(1)
    q = rng.normal(size=32)
    s = np.array([0.2, 0.5])  # the scorer prefers B
    gaps = []
    for n_wins in range(0, 13):
        Hq = np.repeat(q[None, :] + 0.3 * rng.normal(size=(max(n_wins, 1), 32)), 2, axis=0)[: 2 * n_wins]
        models, ratings = [0, 1] * n_wins, [1.0, 0.0] * n_wins  # A beats B on n similar queries
        out = apply_online(s, q, Hq, models, ratings, beta=beta)
        gaps.append(out[0] - out[1])
    assert gaps[0] == pytest.approx(s[0] - s[1])
    assert all(b > a for a, b in zip(gaps, gaps[1:]))
    assert gaps[-1] - gaps[0] < beta  # bounded by beta/2 per model
    # the opposite user gets the opposite shift
    Hq = np.repeat(q[None, :], 2, axis=0)
    up = apply_online(s, q, Hq, [0, 1], [1.0, 0.0], beta=beta)
    down = apply_online(s, q, Hq, [0, 1], [0.0, 1.0], beta=beta)
    assert (up[0] - up[1]) - (s[0] - s[1]) == pytest.approx((s[0] - s[1]) - (down[0] - down[1]))


def test_invalid_kappa():
    q, H, models, ratings = hand_example()
    with pytest.raises(ValueError, match="kappa"):
        online_preference(q, H, models, ratings, n_models=3, kappa=0.0)


def test_pair_diffs_use_only_the_users_visible_history():
    from types import SimpleNamespace

    # two users; user 0 has history (query e1: model 0 won over model 1), user 1 has none visible
    Q = np.array([[1.0, 0.0], [0.0, 1.0]])
    T = SimpleNamespace(
        llm_ids=["a", "b"], Q=Q,
        it_user=np.array([0, 0, 0, 0, 1, 1, 1, 1]), it_q=np.array([0, 0, 0, 0, 0, 0, 0, 0]),
        it_llm=np.array([0, 1, 0, 1, 0, 1, 0, 1]), it_rating=np.array([1, 0, 0, 1, 0, 1, 1, 0], dtype=np.float32),
        pair_a=np.array([0, 2, 4, 6]), pair_b=np.array([1, 3, 5, 7]),
    )
    visible = np.array([0, 1, 4, 5])  # user 0's first vote and user 1's first vote
    d = pair_preference_diffs(T, visible, np.array([1, 3]), kappa=1.0)
    # user 0: a_a = 0.5 / 2, a_b = -0.5 / 2 -> pair (2: model a, 3: model b): 0.25 - (-0.25) = 0.5
    # user 1: model a lost (-0.25), b won (+0.25) -> -0.5
    np.testing.assert_allclose(d, [0.5, -0.5], atol=1e-12)
    # hiding user 1's history zeroes only user 1's adjustment; flipping hidden ratings changes nothing
    d2 = pair_preference_diffs(T, visible[:2], np.array([1, 3]), kappa=1.0)
    np.testing.assert_allclose(d2, [0.5, 0.0], atol=1e-12)
    T.it_rating[[2, 3, 6, 7]] = 1 - T.it_rating[[2, 3, 6, 7]]
    np.testing.assert_allclose(pair_preference_diffs(T, visible, np.array([1, 3]), kappa=1.0), d, atol=1e-12)


def test_evaluate_ours_online_reuses_ours_and_picks_beta_on_validation(mtbench_ds, monkeypatch):
    import training.evaluate as ev
    monkeypatch.setattr(ev, "get_preset", lambda name: test_config(name))
    rep = ev.run_evaluation(mtbench_ds, ["held_out_users"], [0], ["ours", ev.ONLINE], {}, faithful_epochs=1, faithful_seeds=0,
                            epochs=5, n_boot=5, log=lambda s: None, progress=False, online_betas=(0.0, 4.0))
    sel = rep["online"]["selection"]
    assert len(sel) == 1 and sel[0]["chosenBeta"] in (0.0, 4.0) and set(sel[0]["valAuc"]) == {"0", "4"}
    pred = {(p["condition"], p["method"]): np.array(p["diffs"]) for p in rep["predictions"]}
    chosen = ev.online_row(sel[0]["chosenBeta"])
    for cond in ("k=0", "k=5", "k=10"):
        np.testing.assert_array_equal(pred[(cond, ev.online_row(0.0))], pred[(cond, "ours")])  # same trained net
        np.testing.assert_array_equal(pred[(cond, ev.ONLINE)], pred[(cond, chosen)])
    np.testing.assert_array_equal(pred[("k=0", ev.online_row(4.0))], pred[("k=0", "ours")])  # no history: no change
    assert not np.array_equal(pred[("k=10", ev.online_row(4.0))], pred[("k=10", "ours")])
    assert ev.online_row(4.0) in ev.format_table(rep)


@pytest.mark.parametrize("response_text", [False, True])
def test_sensitivity_check_probes_models_with_and_without_answer_text(tmp_path, response_text):
    import torch

    from training.config import apply_overrides, get_preset
    from training.model import GMTRouter
    from training.online import PAIRS, sensitivity_check

    cfg = apply_overrides(get_preset("tiny"), [f"model.response_text={str(response_text).lower()}"])
    torch.manual_seed(0)
    ids = sorted({m for pair in PAIRS for m in pair})
    path = tmp_path / "probe.pt"
    torch.save({"config": cfg.to_dict(), "state_dict": GMTRouter(cfg.model).state_dict(), "llms": [{"id": m} for m in ids],
                "llmVectors": (np.random.default_rng(0).normal(size=(len(ids), cfg.model.embed_dim)) / np.sqrt(cfg.model.embed_dim)).tolist()}, path)
    res = sensitivity_check(path, ns=(1, 2), beta=0.0)
    assert [(r["user"], r["n"]) for r in res["rows"][:5]] == [
        ("no history", 0), (f"likes {PAIRS[0][0]}", 1), (f"likes {PAIRS[0][1]}", 1), (f"likes {PAIRS[0][0]}", 2), (f"likes {PAIRS[0][1]}", 2)]
    assert all(0.0 < r["pA_model"] < 1.0 and r["pick"] in ids for r in res["rows"])
