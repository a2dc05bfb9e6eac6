"""Graph construction and splits; above all: no rating of a predicted pair ever reaches the graph."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from conftest import test_config, with_random_vectors
from training.evaluate import SPLITS, make_split
from training.graph import build_graph, chain_edges, group_pairs
from training.model import GMTRouter
from training.train import EpisodeSampler, interactions_of_groups, predict_diffs, prior_free_scores


def test_build_graph_shapes_and_chain(mtbench_T):
    T = mtbench_T
    u = 0
    mine = np.nonzero(T.it_user == u)[0]
    g = build_graph(T, mine, np.array([u, 1]))
    S = len(mine)
    assert g["query_x"].shape == (S, 512) and g["rating"].shape == (S,) and g["llm_x"].shape == (6, 512)
    assert g["session_llm"].dtype == torch.int64 and int(g["session_llm"].max()) < 6
    assert g["n_users"] == 2 and set(g["session_user"].tolist()) == {0}
    src, dst = g["chain_src"].numpy(), g["chain_dst"].numpy()
    assert len(src) > 0  # this judge has turn-2 votes
    for s, d in zip(src, dst):  # follows edges: same session, turn t-1 -> t
        a, b = mine[s], mine[d]
        assert T.it_session[a] == T.it_session[b] and T.it_turn[b] == T.it_turn[a] + 1


def test_chain_edges_empty_without_previous_turn(mtbench_T):
    T = mtbench_T
    t2_only = np.nonzero(T.it_turn == 2)[0][:20]
    src, dst = chain_edges(T, t2_only)
    assert len(src) == len(dst) == 0


def test_graph_rejects_user_outside_batch(mtbench_T):
    with pytest.raises(ValueError, match="not in the batch"):
        build_graph(mtbench_T, np.nonzero(mtbench_T.it_user == 3)[0], np.array([0]))


def test_episodes_never_show_predicted_ratings(mtbench_T):
    T = mtbench_T
    cfg = test_config()
    sampler = EpisodeSampler(T, np.arange(len(T.groups)), np.zeros(0, dtype=np.int64), cfg, np.random.default_rng(0))
    for _ in range(20):
        visible, predicted, _, users = sampler.sample()
        pred_inter = interactions_of_groups(T, predicted)
        assert len(predicted) > 0
        assert not np.isin(pred_inter, visible).any()
        # whole clusters: a predicted group's cluster never has a visible member of the same user
        vis_clusters = {(int(T.g_user[g]), int(T.g_cluster[g])) for g in range(len(T.groups)) if np.isin(T.groups[g], visible).all()}
        assert not any((int(T.g_user[g]), int(T.g_cluster[g])) in vis_clusters for g in predicted)
        per_user = np.bincount(T.g_user[[g for g in range(len(T.groups)) if np.isin(T.groups[g], visible).all()]], minlength=len(T.users))
        assert per_user.max() <= 2 * cfg.train.visible_pairs  # an event is a cluster of at most two votes


def test_always_users_join_every_episode_and_keep_their_models(mtbench_T):
    T = mtbench_T
    cfg = test_config(users_per_episode=8, alias_share=1.0, base_every_episode=True, prior_from_base=True)
    always = np.arange(5)
    sampler = EpisodeSampler(T, np.arange(len(T.groups)), np.zeros(0, dtype=np.int64), cfg, np.random.default_rng(0), T.L[::-1].copy(), always)
    for _ in range(5):
        _, _, _, users = sampler.sample()
        assert np.isin(always, users).all() and len(users) == len(always) + 8
        view = sampler.llm_view(users)
        mine = np.isin(T.it_user, always)
        assert (view.it_llm[mine] == T.it_llm[mine]).all()  # base users are never renamed
        assert (view.it_llm[np.isin(T.it_user, np.setdiff1d(users, always))] >= len(T.L)).all()


def test_prior_free_scores_keep_values_and_stop_the_prior_gradient(mtbench_T):
    T = mtbench_T
    cfg = test_config(base_every_episode=True, prior_from_base=True)
    torch.manual_seed(0)
    model = GMTRouter(cfg.model).eval()
    sampler = EpisodeSampler(T, np.arange(len(T.groups)), np.zeros(0, dtype=np.int64), cfg, np.random.default_rng(0), None, np.array([0]))
    users = np.array([0, 1])
    items = np.concatenate([np.nonzero(T.it_user == u)[0][:20] for u in users])
    visible = np.setdiff1d(np.nonzero(np.isin(T.it_user, users))[0], items)
    user_vec = model.encoder(**build_graph(T, visible, users))
    cold_vec = model.encoder(**build_graph(T, np.zeros(0, np.int64), users))
    from training.train import item_scores

    plain = item_scores(model, T, user_vec, users, items)
    s, s0 = prior_free_scores(model, T, sampler, user_vec, cold_vec, users, items, None)
    assert torch.allclose(s, plain, atol=1e-6)
    base = T.it_user[items] == 0
    assert torch.isfinite(s0[torch.from_numpy(base)]).all() and torch.isnan(s0[torch.from_numpy(~base)]).all()
    # a persona (non-base) user without history: its training score carries no gradient to the prior
    empty = model.encoder(**build_graph(T, np.zeros(0, np.int64), users))
    persona_items = items[T.it_user[items] == 1]
    assert len(persona_items) > 0
    model.zero_grad()
    prior_free_scores(model, T, sampler, empty, cold_vec, users, persona_items, None)[0].sum().backward()
    assert all(p.grad is None or float(p.grad.abs().max()) < 1e-6 for p in model.predictor.parameters())


@pytest.mark.parametrize("kind", SPLITS)
def test_splits_keep_test_ratings_out_of_history(mtbench_T, kind):
    T = mtbench_T
    sp = make_split(T, kind, seed=1)
    test_groups = set()
    for cond, (visible, pairs) in sp.tests.items():
        assert len(pairs) > 50
        assert (T.pair_label[pairs] != 0.5).all()  # metrics use non-tied pairs only
        tested = np.unique(np.concatenate([T.pair_a[pairs], T.pair_b[pairs]]))
        assert not np.isin(tested, visible).any(), cond
        test_groups |= set(np.unique(T.pair_group[pairs]).tolist())
    train, val = set(sp.train.tolist()), set(sp.val.tolist())
    assert not (train & val) and not (train & test_groups) and not (val & test_groups)
    # clusters (turn-1 + turn-2 of one judge/question/pair) never straddle parts
    part = {}
    for name, gs in (("train", train), ("val", val), ("test", test_groups)):
        for g in gs:
            assert part.setdefault(int(T.g_cluster[g]), name) == name
    if kind == "held_out_users":
        test_users = set(T.g_user[list(test_groups)].tolist())
        assert not test_users & set(T.g_user[list(train)].tolist())
        assert len(sp.tests["k=0"][0]) == 0 and len(sp.tests["k=5"][0]) < len(sp.tests["k=10"][0])
    if kind == "held_out_questions":
        assert not set(T.g_question[list(train)].tolist()) & set(T.g_question[list(test_groups)].tolist())


def test_predictions_do_not_depend_on_masked_ratings(mtbench_T):
    """Flipping every test rating must not change a single prediction (the reference code's leak)."""
    T = mtbench_T
    sp = make_split(T, "within_user", seed=0)
    visible, pairs = sp.tests["test"]
    torch.manual_seed(0)
    model = GMTRouter(test_config().model).eval()
    before = predict_diffs(model, T, visible, pairs)
    saved = T.it_rating.copy()
    try:
        hidden = np.setdiff1d(np.arange(len(T.it_rating)), visible)
        T.it_rating[hidden] = 1.0 - T.it_rating[hidden]
        after = predict_diffs(model, T, visible, pairs)
        T.it_rating[visible[:5]] = 1.0 - T.it_rating[visible[:5]]  # sanity: visible ratings do matter
        changed = predict_diffs(model, T, visible, pairs)
    finally:
        T.it_rating[:] = saved
    np.testing.assert_array_equal(before, after)
    assert (before != changed).any()


def test_group_pairs_ties(mtbench_T):
    T = mtbench_T
    all_pairs = group_pairs(T, np.arange(len(T.groups)), include_ties=True)
    decided = group_pairs(T, np.arange(len(T.groups)))
    assert len(all_pairs) == len(T.groups)  # every MT-Bench group is one pair
    assert 0.2 < 1 - len(decided) / len(all_pairs) < 0.3  # ~23.5% ties (SOURCES.md)


def test_episodes_reveal_varied_history_and_never_show_targets():
    """Persona users: k events visible, k drawn from 0..visible_pairs; target_only probes and the predicted
    single ratings are never in the graph."""
    from training.graph import build_tensors
    from training.personas import generate, training_dataset

    bench = generate(seed=1, n_train=12, n_val=0, n_test=0, events_per_user=20, probes_per_user=3)
    T = build_tensors(with_random_vectors(training_dataset(bench)), test_config())
    singles = np.nonzero(~T.it_grouped)[0]
    sampler = EpisodeSampler(T, np.arange(len(T.groups)), singles, test_config(), np.random.default_rng(0))
    seen_counts = set()
    for _ in range(30):
        visible, predicted, single, users = sampler.sample()
        assert not np.isin(interactions_of_groups(T, predicted), visible).any()
        assert not np.isin(single, visible).any()
        assert not np.isin(interactions_of_groups(T, np.nonzero(T.g_target)[0]), visible).any()
        assert set(np.nonzero(T.g_target)[0]) <= set(predicted.tolist())
        seen_counts |= set(np.bincount(T.it_user[visible], minlength=len(T.users)).tolist())
    assert 0 in seen_counts and max(seen_counts) >= 15  # from no history to most of a user's 20 events
