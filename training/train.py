"""Episodic training of the GMTRouter model (Bradley-Terry pairwise loss), checkpoints, and the
``train`` entry point.

Each epoch is one few-shot episode (paper): for every training user, ``visible_pairs`` comparison groups
(whole clusters, so a turn-1 vote and its turn-2 sibling are never split across visible/predicted) are
put in the graph with their ratings; up to ``predict_pairs`` other groups are predicted and their
ratings are masked out of the graph. One Adam step per episode; the state with the best validation AUC
is kept.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from .config import Config, apply_overrides, get_preset
from .device import DEVICES, describe, resolve_device
from .graph import Tensors, build_graph, build_tensors, group_pairs
from .importers import MTBENCH_DIR
from .model import GMTRouter, bt_loss, pointwise_loss
from .progress import Progress


def interactions_of_groups(T: Tensors, groups: Sequence[int]) -> np.ndarray:
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate([T.groups[g] for g in groups]))


def pair_scores(model: GMTRouter, T: Tensors, graph: Dict[str, Any], batch_users: np.ndarray, pairs: np.ndarray) -> Tuple[torch.Tensor, torch.Tensor]:
    """Scores (s_a, s_b) of the given pairs, each under its user's vector from ``graph``."""
    upos = {int(u): j for j, u in enumerate(batch_users)}
    user_vec = model.encoder(**graph)  # [U, H]
    L = graph["llm_x"]
    on_device = lambda x: torch.from_numpy(x).to(L.device)  # noqa: E731
    a, b = T.pair_a[pairs], T.pair_b[pairs]
    u = user_vec[on_device(np.array([upos[int(T.it_user[i])] for i in a], dtype=np.int64))]
    s_a = model.predictor(u, on_device(T.Q[T.it_q[a]]), L).gather(1, on_device(T.it_llm[a]).unsqueeze(1)).squeeze(1)
    s_b = model.predictor(u, on_device(T.Q[T.it_q[b]]), L).gather(1, on_device(T.it_llm[b]).unsqueeze(1)).squeeze(1)
    return s_a, s_b


@torch.no_grad()
def predict_diffs(model: GMTRouter, T: Tensors, visible: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """s_a - s_b for ``pairs``, each user's graph built from ``visible`` interactions only."""
    if len(pairs) == 0:
        return np.zeros(0, dtype=np.float32)
    model.eval()
    users = np.unique(np.concatenate([T.it_user[T.pair_a[pairs]], T.it_user[visible]]))
    graph = build_graph(T, visible, users, model_device(model))
    s_a, s_b = pair_scores(model, T, graph, users, pairs)
    return (s_a - s_b).cpu().numpy()


def model_device(model: torch.nn.Module) -> torch.device:
    return next(model.parameters()).device


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """ROC-AUC (ties in scores count half); NaN when only one class is present."""
    labels = np.asarray(labels) > 0.5
    pos, neg = scores[labels], scores[~labels]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    allv = np.concatenate([pos, neg])[order]
    ranks = np.empty(len(allv))
    i = 0
    while i < len(allv):  # average ranks over ties
        j = i
        while j + 1 < len(allv) and allv[j + 1] == allv[i]:
            j += 1
        ranks[i : j + 1] = (i + j) / 2 + 1
        i = j + 1
    r = np.empty(len(allv))
    r[order] = ranks
    return float((r[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


class EpisodeSampler:
    """Per-user visible/predicted group samples for one episode."""

    def __init__(self, T: Tensors, train_groups: np.ndarray, extra_visible: np.ndarray, cfg: Config, rng: np.random.Generator):
        self.T, self.cfg, self.rng = T, cfg, rng
        self.by_user: Dict[int, Dict[int, List[int]]] = {}
        for g in train_groups.tolist():
            self.by_user.setdefault(int(T.g_user[g]), {}).setdefault(int(T.g_cluster[g]), []).append(g)
        self.extra_by_user: Dict[int, np.ndarray] = {}
        for i in np.asarray(extra_visible, dtype=np.int64).tolist():
            self.extra_by_user.setdefault(int(T.it_user[i]), []).append(i)  # type: ignore[arg-type]
        self.users = np.array(sorted(self.by_user), dtype=np.int64)

    def sample(self) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        tc = self.cfg.train
        visible_groups, predicted = [], []
        for u in self.users.tolist():
            clusters = list(self.by_user[u].values())
            order = self.rng.permutation(len(clusters))
            vis: List[int] = []
            k = 0
            while k < len(order) and len(vis) < tc.visible_pairs:
                vis.extend(clusters[order[k]])
                k += 1
            rest = [g for o in order[k:] for g in clusters[o]]
            if len(rest) > tc.predict_pairs:
                rest = self.rng.choice(rest, tc.predict_pairs, replace=False).tolist()
            visible_groups.extend(vis)
            predicted.extend(rest)
        visible = interactions_of_groups(self.T, visible_groups)
        extra = [np.asarray(self.extra_by_user.get(u, []), dtype=np.int64) for u in self.users.tolist()]
        visible = np.unique(np.concatenate([visible] + extra)) if extra else visible
        return visible, np.array(predicted, dtype=np.int64), self.users


def train_model(
    T: Tensors, cfg: Config, train_groups: np.ndarray, val_groups: np.ndarray,
    extra_visible: Optional[np.ndarray] = None, log=print, device: torch.device = torch.device("cpu"),
) -> Tuple[GMTRouter, Dict[str, Any]]:
    """Trains on ``train_groups`` on ``device``; validation users see all their training interactions as
    history. The model is returned on ``device``."""
    torch.manual_seed(cfg.train.seed)
    rng = np.random.default_rng(cfg.train.seed)
    tc = cfg.train
    model = GMTRouter(cfg.model).to(device)  # initialised on the CPU first: same weights for a seed on every device
    opt = torch.optim.Adam(model.parameters(), lr=tc.lr, weight_decay=tc.weight_decay)
    extra = np.zeros(0, dtype=np.int64) if extra_visible is None else np.asarray(extra_visible, dtype=np.int64)
    sampler = EpisodeSampler(T, np.asarray(train_groups), extra, cfg, rng)
    val_visible = np.unique(np.concatenate([interactions_of_groups(T, train_groups), extra]))
    val_pairs = group_pairs(T, val_groups)
    best = {"auc": -1.0, "epoch": 0, "state": copy.deepcopy(model.state_dict())}
    bar = Progress(tc.epochs, f"train[{cfg.name}]", tc.progress)
    t0 = time.perf_counter()
    for epoch in range(1, tc.epochs + 1):
        model.train()
        visible, predicted, users = sampler.sample()
        pairs = group_pairs(T, predicted, include_ties=tc.pointwise_weight > 0)
        if len(pairs):
            graph = build_graph(T, visible, users, device)
            s_a, s_b = pair_scores(model, T, graph, users, pairs)
            lab = torch.from_numpy(T.pair_label[pairs]).to(device)
            decided = lab != 0.5
            loss = bt_loss(s_a[decided], s_b[decided], lab[decided] * 2 - 1) if bool(decided.any()) else s_a.sum() * 0
            if tc.pointwise_weight > 0:
                r = torch.from_numpy(np.concatenate([T.it_rating[T.pair_a[pairs]], T.it_rating[T.pair_b[pairs]]])).to(device)
                loss = loss + tc.pointwise_weight * pointwise_loss(torch.cat([s_a, s_b]), r)
            opt.zero_grad()
            loss.backward()
            if tc.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), tc.grad_clip)
            opt.step()
        if len(val_pairs) and (epoch % tc.eval_every == 0 or epoch == tc.epochs):
            d = predict_diffs(model, T, val_visible, val_pairs)
            a = auc(T.pair_label[val_pairs], d)
            if a > best["auc"]:
                best = {"auc": a, "epoch": epoch, "state": copy.deepcopy(model.state_dict())}
            bar.set_postfix(f"val_auc={a:.3f} best={best['auc']:.3f}@{best['epoch']}")
        bar.update()
    bar.close()
    if len(val_pairs):
        model.load_state_dict(best["state"])
    else:
        best = {"auc": float("nan"), "epoch": tc.epochs}
    model.eval()
    return model, {"valAuc": best["auc"], "bestEpoch": best["epoch"], "trainSeconds": time.perf_counter() - t0}


# ------------------------------------------------------------------------------------- checkpoints
def save_checkpoint(path: Path, model: GMTRouter, cfg: Config, T: Tensors, info: Dict[str, Any],
                    metrics: Optional[Dict[str, Any]] = None, parity_user: Optional[Dict[str, Any]] = None) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    pool = T.Q[rng.choice(len(T.Q), min(32, len(T.Q)), replace=False)]
    torch.save(
        {
            "config": cfg.to_dict(),
            "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
            "llms": [{"id": m, "description": T.ds.llms[m]} for m in T.llm_ids],
            "llmVectors": T.L.tolist(),
            "parityQueryPool": pool.tolist(),
            "parityUser": parity_user,
            "trainingData": T.ds.summary(),
            "metrics": metrics or {},
            "trainInfo": info,
        },
        path,
    )


def load_checkpoint(path: Path) -> Tuple[Dict[str, Any], GMTRouter]:
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path}: checkpoint not found")
    ckpt = torch.load(path, map_location="cpu")
    cfg = Config.from_dict(ckpt["config"]).validate()
    model = GMTRouter(cfg.model)
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    return ckpt, model


def parity_user_inputs(T: Tensors, visible: np.ndarray, user: int, max_sessions: int = 24) -> Dict[str, Any]:
    """A real user's history (up to ``max_sessions`` interactions, keeping whole chains) as parity inputs."""
    mine = visible[T.it_user[visible] == user]
    mine = mine[np.lexsort((T.it_turn[mine], T.it_session[mine]))][:max_sessions]
    g = build_graph(T, mine, np.array([user]))
    keys = ["query_x", "rating", "llm_x", "session_llm", "chain_src", "chain_dst"] + (["response_x"] if T.R is not None else [])
    return {k: {"dims": list(g[k].shape), "data": g[k].reshape(-1).tolist()} for k in keys}


def load_dataset_arg(args) -> "Dataset":  # noqa: F821
    from .data import Dataset
    from .importers import import_mtbench_human

    if args.dataset:
        return Dataset.load(args.dataset)
    return import_mtbench_human(args.mtbench)


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training train", description="Train a router on all of a dataset (10% of clusters held out for model selection) and write a checkpoint.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--dataset", type=Path, help="dataset file written by `import` (*.dataset.json)")
    src.add_argument("--mtbench", type=Path, default=MTBENCH_DIR, help="MT-Bench human folder (default: the repository's data/mtbench-human)")
    p.add_argument("--config", default="default", help="preset: default | faithful | tiny")
    p.add_argument("--out", type=Path, default=Path("training/.cache/checkpoints/default.pt"), help="checkpoint path")
    p.add_argument("--metrics", type=Path, help="JSON file whose content is stored as the checkpoint's metrics (e.g. training/results/summary.json)")
    p.add_argument("--device", default="auto", choices=DEVICES, help="auto: CUDA when torch sees a GPU, else CPU")
    p.add_argument("overrides", nargs="*", help="section.key=value, e.g. train.epochs=100")
    args = p.parse_args(argv)
    try:
        device = resolve_device(args.device)
    except ValueError as e:  # no GPU behind --device cuda: a usage error, not a crash
        p.error(str(e))
    cfg = apply_overrides(get_preset(args.config), args.overrides)
    ds = load_dataset_arg(args)
    T = build_tensors(ds, cfg)
    rng = np.random.default_rng(cfg.train.seed)
    clusters = np.unique(T.g_cluster)
    val_clusters = rng.choice(clusters, max(1, len(clusters) // 10), replace=False)
    is_val = np.isin(T.g_cluster, val_clusters)
    train_g, val_g = np.nonzero(~is_val)[0], np.nonzero(is_val)[0]
    ungrouped = np.nonzero(~T.it_grouped)[0]
    model, info = train_model(T, cfg, train_g, val_g, ungrouped, device=device)
    info["device"] = describe(device)
    if not np.isfinite(info["valAuc"]):
        info["valAuc"] = None  # no decided validation pair (tiny dataset): nothing to select on
    metrics = json.loads(args.metrics.read_text()) if args.metrics else {"selectionValAuc": info["valAuc"]}
    all_visible = np.arange(len(T.it_user))
    counts = np.bincount(T.it_user, minlength=len(T.users))
    parity_user = parity_user_inputs(T, all_visible, int(np.argsort(counts)[len(counts) // 2]))
    save_checkpoint(args.out, model, cfg, T, info, metrics, parity_user)
    print(json.dumps({"checkpoint": str(args.out), **info}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
