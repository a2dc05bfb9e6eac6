"""The shipped training recipe: a base dataset (MT-Bench human judgments, or the app's own data) mixed with
synthetic persona users (training/personas.py), and model selection the way the router is served.

The base data teach the population's preferences; the personas teach the router to *read* a user's ratings
(MT-Bench judges barely disagree, so a model trained on them alone learns to ignore history). Selection:
the mean of the base validation AUC and the persona validation users' AUC averaged over k = 0, 5, 10, 20
revealed rating events, so early stopping rewards reading few ratings, as new users give.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import numpy as np
import torch

from .catalog import ALIAS_DESCRIPTIONS
from .config import Config
from .data import Dataset
from .embed import embed_texts
from .graph import Tensors, build_tensors, group_pairs
from .importers import MTBENCH_DIR
from .model import GMTRouter
from .persona_eval import ONLINE_BETAS, ONLINE_KAPPAS, Setup, make_setup, mean_auc, model_scores, online_scores
from .personas import PersonaBench, generate, merge
from .train import ValFn, auc, interactions_of_groups, predict_diffs, train_model


@dataclass
class Mixed:
    """Base data + personas resolved to one set of tensors; base groups and interactions keep their indices."""

    T: Tensors
    bench: Optional[PersonaBench]
    setup: Optional[Setup]
    persona_groups: np.ndarray  # training users' groups (votes and probes)
    persona_singles: np.ndarray  # training users' single ratings


def mix(base: Dataset, cfg: Config, folder: Path = MTBENCH_DIR, seed: Optional[int] = None) -> Mixed:
    """Tensors of ``base`` followed by every persona user (``cfg.data.personas`` training users; 0: none)."""
    if cfg.data.personas <= 0:
        return Mixed(build_tensors(base, cfg), None, None, np.zeros(0, np.int64), np.zeros(0, np.int64))
    bench = generate(folder, seed=cfg.data.persona_seed if seed is None else seed, n_train=cfg.data.personas,
                     n_judge_like=cfg.data.persona_judge_like, n_extra_train=cfg.data.persona_extra)
    T = build_tensors(merge(base, bench.dataset), cfg)
    train_users = {T.users.index(p.id) for p in bench.users if p.split == "train"}
    n_base = len(base.groups)
    groups = np.array([g for g in range(n_base, len(T.groups)) if int(T.g_user[g]) in train_users], dtype=np.int64)
    singles = np.nonzero(~T.it_grouped & np.isin(T.it_user, list(train_users)))[0]
    embed = lambda texts: embed_texts(texts, cfg.data.embedder_id, cfg.data.embed_dim)  # noqa: E731
    return Mixed(T, bench, make_setup(bench, T, cfg, embed), groups, singles)


def persona_val_fn(m: Mixed, base_fn: Optional[ValFn]) -> Optional[ValFn]:
    """Mean of the base criterion and the persona validation users' AUC (k = 0, 5, 10, 20)."""
    if m.setup is None:
        return base_fn
    val_users = m.setup.users("val")

    def fn(model: GMTRouter) -> float:
        p = mean_auc(m.setup, model_scores(model, m.setup), val_users)
        return p if base_fn is None else (p + base_fn(model)) / 2

    return fn


def train_mixed(m: Mixed, cfg: Config, base_train: np.ndarray, base_singles: np.ndarray, base_val_fn: Optional[ValFn],
                device: torch.device = torch.device("cpu")) -> Tuple[GMTRouter, Dict[str, Any]]:
    """Trains on the base groups/singles given plus every persona training user."""
    groups = np.concatenate([np.asarray(base_train, dtype=np.int64), m.persona_groups])
    singles = np.concatenate([np.asarray(base_singles, dtype=np.int64), m.persona_singles])
    alias_x = embed_texts(list(ALIAS_DESCRIPTIONS), cfg.data.embedder_id, cfg.data.embed_dim) if cfg.train.alias_share > 0 else None
    always = None
    if cfg.train.base_every_episode and m.setup is not None:
        T = m.T
        always = np.union1d(T.g_user[np.asarray(base_train, dtype=np.int64)], T.it_user[np.asarray(base_singles, dtype=np.int64)])
    model, info = train_model(m.T, cfg, groups, np.zeros(0, np.int64), singles, device=device, val_fn=persona_val_fn(m, base_val_fn),
                              alias_x=alias_x, always_users=always)
    if base_val_fn is not None and cfg.train.history_shrinks:
        info["historyShrink"] = choose_history_shrink(model, cfg, base_val_fn)
    return model, info


def choose_history_shrink(model: GMTRouter, cfg: Config, base_val_fn: ValFn) -> Dict[str, Any]:
    """Sets the served model.history_shrink (on ``cfg.model``, which the model reads): the largest of
    train.history_shrinks whose base validation AUC is within train.shrink_tolerance of the best of them. The
    persona users teach the graph part to follow a history; the real users' votes say how far it may."""
    scored = {}
    for shrink in sorted(set(cfg.train.history_shrinks), reverse=True):
        cfg.model.history_shrink = shrink
        scored[shrink] = base_val_fn(model)
    best = max(scored.values())
    cfg.model.history_shrink = max(s for s, a in scored.items() if a >= best - cfg.train.shrink_tolerance)
    return {"chosen": cfg.model.history_shrink, "baseValAuc": {f"{s:g}": a for s, a in scored.items()}}


def fit(base: Dataset, cfg: Config, device: torch.device = torch.device("cpu"), folder: Path = MTBENCH_DIR) -> Tuple[GMTRouter, Dict[str, Any], Mixed]:
    """The shipped recipe on all of ``base``: 10% of its vote clusters validate (their users' other votes and
    ratings as history), every other group and single rating trains, mixed with the persona users."""
    m = mix(base, cfg, folder)
    T = m.T
    n_groups, n_items = len(base.groups), len(base.interactions)
    rng = np.random.default_rng(cfg.train.seed)
    clusters = np.unique(T.g_cluster[:n_groups])
    val_clusters = rng.choice(clusters, max(1, len(clusters) // 10), replace=False) if len(clusters) else clusters
    is_val = np.isin(T.g_cluster[:n_groups], val_clusters)
    train_g, val_g = np.nonzero(~is_val)[0], np.nonzero(is_val)[0]
    singles = np.nonzero(~T.it_grouped[:n_items])[0]
    base_fn: Optional[ValFn] = None
    val_pairs = group_pairs(T, val_g)
    if len(val_pairs):
        history = np.unique(np.concatenate([interactions_of_groups(T, train_g), singles]))
        base_fn = lambda model: auc(T.pair_label[val_pairs], predict_diffs(model, T, history, val_pairs))  # noqa: E731
    model, info = train_mixed(m, cfg, train_g, singles, base_fn, device)
    if m.setup is not None:
        info["onlinePreference"] = choose_online(m.setup, model)
    return model, info, m


def choose_online(s: Setup, model: GMTRouter) -> Dict[str, float]:
    """The online preference layer's beta and kappa for this model, chosen on the persona validation users
    (mean AUC over k = 0, 5, 10, 20 revealed events); beta = 0 when the layer does not help the model."""
    ours = model_scores(model, s)
    val = s.users("val")
    grid = [(b, k) for b in ONLINE_BETAS for k in ONLINE_KAPPAS]
    scored = {g: mean_auc(s, online_scores(s, ours, *g), val) for g in grid}
    beta, kappa = max(grid, key=lambda g: (scored[g], -g[0]))  # ties: the weaker layer
    return {"beta": beta, "kappa": kappa, "valAuc": scored[(beta, kappa)], "valAucWithout": scored[(0.0, ONLINE_KAPPAS[0])]}
