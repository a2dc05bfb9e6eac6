"""Model shapes per node type, cold start, invariances, losses."""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch

from training.config import ModelConfig, default, faithful, tiny
from training.model import GMTRouter, HGTLayer, bt_loss, pointwise_loss


def _inputs(S=7, M=6, D=512, C=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    return dict(
        query_x=torch.randn(S, D, generator=g), rating=torch.rand(S, generator=g), llm_x=torch.randn(M, D, generator=g),
        session_llm=torch.randint(0, M, (S,), generator=g), chain_src=torch.arange(C), chain_dst=torch.arange(1, C + 1),
        session_user=torch.zeros(S, dtype=torch.long), n_users=1, response_len=torch.randn(S, generator=g),
    )


@pytest.mark.parametrize("cfg", [default(), tiny(), faithful()], ids=["default", "tiny", "faithful"])
def test_shapes(cfg):
    torch.manual_seed(0)
    m = GMTRouter(cfg.model).eval()
    x = _inputs()
    feats = m.encoder.initial_features(x["query_x"], x["rating"], x["llm_x"], None, 1, x["session_llm"], x["session_llm"] * 0)
    H = cfg.model.hidden
    assert {k: tuple(v.shape) for k, v in feats.items()} == {
        "query": (7, H), "llm": (6, H), "response": (7, H), "session": (7, H), "user": (1, H)}
    out = HGTLayer(H, cfg.model.heads)(feats, {k: x[k] for k in ("session_llm", "chain_src", "chain_dst", "session_user")})
    assert out["session"].shape == (7, H) and out["user"].shape == (1, H)
    assert torch.equal(out["query"], feats["query"]) and torch.equal(out["llm"], feats["llm"])  # no incoming edges
    u = m.encoder(**x)
    U = cfg.model.user_dim
    assert u.shape == (1, U)
    assert m.predictor(u.expand(4, U), torch.randn(4, 512), x["llm_x"]).shape == (4, 6)


def test_answer_length_moves_scores_towards_answers_like_the_liked_ones():
    """Two users rate the same models the same way; one liked the short answers, the other the long ones. Only
    e_len differs (the last coordinate of the user vector), and their scores differ by gain * (e_a - e_b) * zhat(q, m):
    the first user's rise for the models the length head expects to answer this query briefly."""
    torch.manual_seed(0)
    m = GMTRouter(default().model).eval()
    x = _inputs(S=4)
    x["rating"] = torch.tensor([1.0, 0.0, 1.0, 0.0])
    short_liked = {**x, "response_len": torch.tensor([-1.0, 1.0, -1.0, 1.0])}
    long_liked = {**x, "response_len": torch.tensor([1.0, -1.0, 1.0, -1.0])}
    with torch.no_grad():
        ua, ub = m.encoder(**short_liked), m.encoder(**long_liked)
        assert torch.equal(ua[:, :-1], ub[:, :-1])
        # c_i = r_i - (sum r + 1/2) / (n + 1) = +-0.5; e = sum c_i z_i / (n + kappa) = -2 / 6 for the first user
        assert ua[0, -1].item() == pytest.approx(-2 / 6) and ub[0, -1].item() == pytest.approx(2 / 6)
        q = torch.randn(1, 512)
        diff = m.predictor(ua, q, x["llm_x"]) - m.predictor(ub, q, x["llm_x"])
        zhat = m.predictor.predicted_length(q.unsqueeze(1), x["llm_x"].unsqueeze(0))
    torch.testing.assert_close(diff, m.predictor.len_gain.detach() * (-4 / 6) * zhat, atol=1e-4, rtol=1e-3)  # scores ~1e2


@pytest.mark.parametrize("cfg", [default(), tiny(), faithful()], ids=["default", "tiny", "faithful"])
def test_scoring_chosen_cells_equals_the_full_grid(cfg):
    """Training scores only the (row, model) cells it needs; serving scores the whole grid: same numbers."""
    torch.manual_seed(0)
    m = GMTRouter(cfg.model).eval()
    g = torch.Generator().manual_seed(1)
    U, M = cfg.model.user_dim, 16
    users, queries, llms = torch.randn(5, U, generator=g), torch.randn(5, 512, generator=g), torch.randn(M, 512, generator=g)
    rows, cols = torch.randint(0, 5, (40,), generator=g), torch.randint(0, M, (40,), generator=g)
    grid = m.predictor(users, queries, llms)
    cells = m.predictor.score_cells(users, queries, llms, rows, cols)
    assert cells.shape == (40,)
    # Random user vectors make scores of ~10^3 that cancel: compare at float32 precision of that scale.
    assert (cells - grid[rows, cols]).abs().max() <= 1e-6 * grid.abs().max()


def test_evidence_kernel_moves_any_catalog_towards_the_liked_model():
    """With the graph's part of the user vector held fixed, liking a and disliking b raises a over b by
    (softplus(g1) |A (l_a - l_b)|^2 + softplus(g2) |l_a - l_b|^2) / (n + kappa) for random model vectors."""
    torch.manual_seed(0)
    m = GMTRouter(default().model).eval()
    L = torch.randn(5, 512)
    e = torch.zeros(0, dtype=torch.long)
    n = 6
    hist = dict(query_x=torch.randn(n, 512), rating=torch.tensor([1.0, 0.0] * 3), llm_x=L, session_llm=torch.tensor([1, 3] * 3),
                chain_src=e, chain_dst=e, session_user=torch.zeros(n, dtype=torch.long), n_users=1)
    u = m.encoder(**hist)
    H = default().model.hidden
    fresh = torch.cat([u[:, :H], torch.zeros_like(u[:, H:])], dim=-1)
    q = torch.randn(1, 512)
    s, s0 = m.predictor(u, q, L)[0], m.predictor(fresh, q, L)[0]
    shift = (s[1] - s[3]) - (s0[1] - s0[3])
    A = m.predictor.kernel(L)
    g = torch.nn.functional.softplus(m.predictor.kernel_gain)
    want = (g[0] * ((A[1] - A[3]) ** 2).sum() + g[1] * ((L[1] - L[3]) ** 2).sum()) * 0.5 * 3 / (n + 2.0)
    assert shift > 0
    torch.testing.assert_close(shift, want, rtol=1e-3, atol=1e-5)


def test_cold_start_is_one_shared_vector():
    torch.manual_seed(0)
    m = GMTRouter(default().model).eval()
    e = torch.zeros(0, dtype=torch.long)
    llm = torch.randn(6, 512)
    u0 = m.encoder(torch.zeros(0, 512), torch.zeros(0), llm, e, e, e, e, 1)
    u0b = m.encoder(torch.zeros(0, 512), torch.zeros(0), torch.randn(3, 512), e, e, e, e, 1)
    assert torch.isfinite(u0).all() and torch.allclose(u0, u0b)
    # in a batch, a user without sessions gets the same vector
    x = _inputs()
    x["n_users"] = 2
    assert torch.allclose(m.encoder(**x)[1:], u0, atol=1e-6)


def test_history_shrink_moves_the_graph_part_that_share_of_the_way_from_the_cold_start():
    """model.history_shrink = s: the graph part is u0 + s (u - u0), u0 the cold-start vector, in the one batched pass
    (and the exported single-user graph); the evidence part and a user without history are unchanged."""
    x = _inputs()
    x["n_users"] = 2  # user 1 has no sessions
    e = torch.zeros(0, dtype=torch.long)
    cfg = default().model
    torch.manual_seed(0)
    full = GMTRouter(cfg).eval()
    shrunk = GMTRouter(dataclasses.replace(cfg, history_shrink=0.4)).eval()
    shrunk.load_state_dict(full.state_dict())
    H = cfg.hidden
    u, v = full.encoder(**x), shrunk.encoder(**x)
    u0 = full.encoder(torch.zeros(0, 512), torch.zeros(0), x["llm_x"], e, e, e, e, 1)
    torch.testing.assert_close(v[0, :H], u0[0, :H] + 0.4 * (u[0, :H] - u0[0, :H]), rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(v[:, H:], u[:, H:])
    torch.testing.assert_close(v[1], u0[0], rtol=1e-5, atol=1e-6)


def test_user_vector_is_permutation_invariant_and_uses_ratings():
    torch.manual_seed(0)
    m = GMTRouter(default().model).eval()
    x = _inputs(C=0)
    perm = torch.randperm(7)
    y = dict(x, query_x=x["query_x"][perm], rating=x["rating"][perm], session_llm=x["session_llm"][perm], response_len=x["response_len"][perm])
    assert torch.allclose(m.encoder(**x), m.encoder(**y), atol=1e-5)
    z = dict(x, rating=1 - x["rating"])
    assert not torch.allclose(m.encoder(**x), m.encoder(**z))


def test_attention_logits_are_clamped():
    layer = HGTLayer(8, 2, clamp=30.0)
    q = torch.full((3, 2, 4), 100.0)
    e = layer._exp_logit(q, q, 0)
    assert torch.allclose(e, torch.full_like(e, math.exp(30.0)))
    assert layer._exp_logit(q[:0], q[:0], 0).shape == (0, 2)  # empty relation


def test_bt_loss_values_and_gradient():
    s_a = torch.tensor([0.0, 2.0], requires_grad=True)
    s_b = torch.tensor([0.0, 0.0])
    loss = bt_loss(s_a, s_b, torch.tensor([1.0, -1.0]))
    expected = (math.log(2) + math.log1p(math.exp(2.0))) / 2
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    loss.backward()
    assert s_a.grad[0] < 0 and s_a.grad[1] > 0  # raise the winner, lower the loser
    assert pointwise_loss(torch.tensor([0.0]), torch.tensor([0.5])).item() == pytest.approx(math.log(2), rel=1e-6)
    weighted = bt_loss(s_a, s_b, torch.tensor([1.0, -1.0]), torch.tensor([3.0, 1.0]))  # train.base_weight's weighted mean
    assert weighted.item() == pytest.approx((3 * math.log(2) + math.log1p(math.exp(2.0))) / 4, rel=1e-6)


def test_config_validation_names_bad_value():
    from training.config import apply_overrides

    with pytest.raises(ValueError, match="model.hidden=30"):
        apply_overrides(default(), ["model.hidden=30"])
    with pytest.raises(ValueError, match="'bogus'"):
        apply_overrides(default(), ["data.query_mode=bogus"])
    with pytest.raises(ValueError, match="no such setting"):
        apply_overrides(default(), ["model.nope=1"])
    with pytest.raises(ValueError, match="train.base_weight=0"):
        apply_overrides(default(), ["train.base_weight=0"])
    assert ModelConfig().hidden == 64
