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
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from .config import Config, apply_overrides, get_preset
from .device import DEVICES, describe, resolve_device
from .graph import LlmView, Tensors, build_graph, group_pairs
from .importers import MTBENCH_DIR
from .model import GMTRouter, bt_loss, pointwise_loss
from .progress import Progress


def interactions_of_groups(T: Tensors, groups: Sequence[int]) -> np.ndarray:
    if len(groups) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate([T.groups[g] for g in groups]))


def item_scores(model: GMTRouter, T: Tensors, user_vec: torch.Tensor, batch_users: np.ndarray, items: np.ndarray,
                llms: Optional[LlmView] = None) -> torch.Tensor:
    """Score of each interaction in ``items`` (its model, for its query, under its user's vector). The
    predictor runs once per distinct (user, query): the members of a comparison group share one row."""
    llms = llms or LlmView(T.L, T.it_llm)
    upos = np.full(len(T.users), -1, dtype=np.int64)
    upos[np.asarray(batch_users, dtype=np.int64)] = np.arange(len(batch_users))
    rows = upos[T.it_user[items]] * len(T.Q) + T.it_q[items]
    uniq, row_of = np.unique(rows, return_inverse=True)
    M = len(llms.L)
    cells, cell_of = np.unique(row_of * M + llms.it_llm[items], return_inverse=True)
    device = user_vec.device
    on_device = lambda x: torch.from_numpy(x).to(device)  # noqa: E731
    scores = model.predictor.score_cells(user_vec[on_device(uniq // len(T.Q))], on_device(T.Q[uniq % len(T.Q)]), on_device(llms.L),
                                         on_device(cells // M), on_device(cells % M))
    return scores[on_device(cell_of)]


def pair_scores(model: GMTRouter, T: Tensors, graph: Dict[str, Any], batch_users: np.ndarray, pairs: np.ndarray) -> Tuple[torch.Tensor, torch.Tensor]:
    """Scores (s_a, s_b) of the given pairs, each under its user's vector from ``graph``."""
    user_vec = model.encoder(**graph)  # [U, H]
    a, b = T.pair_a[pairs], T.pair_b[pairs]
    s = item_scores(model, T, user_vec, batch_users, np.concatenate([a, b]))
    return s[: len(a)], s[len(a) :]


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
    """Per-user visible/predicted samples for one episode.

    A user's events are their comparison clusters (a turn-1 vote and its turn-2 sibling stay together) and
    their single ratings (``singles``: interactions outside any group). An episode shows k events of each
    user as history, k drawn uniformly from ``visible_min..visible_pairs`` (new users reveal few ratings, old
    ones many), and predicts the rest: the comparison pairs of up to ``predict_pairs`` groups, every
    ``target_only`` group (never history), and the single ratings (pointwise term). With
    ``users_per_episode`` > 0 an episode takes that many users at random, besides every ``always`` user."""

    def __init__(self, T: Tensors, train_groups: np.ndarray, singles: np.ndarray, cfg: Config, rng: np.random.Generator,
                 alias_x: Optional[np.ndarray] = None, always: Optional[np.ndarray] = None):
        self.T, self.cfg, self.rng = T, cfg, rng
        self.alias_x = np.zeros((0, T.L.shape[1]), dtype=np.float32) if alias_x is None else np.asarray(alias_x, dtype=np.float32)
        clusters: Dict[int, Dict[int, List[int]]] = {}
        self.targets: Dict[int, List[int]] = {}
        for g in np.asarray(train_groups, dtype=np.int64).tolist():
            u = int(T.g_user[g])
            if T.g_target[g]:
                self.targets.setdefault(u, []).append(g)
            else:
                clusters.setdefault(u, {}).setdefault(int(T.g_cluster[g]), []).append(g)
        # event = (groups, single interactions)
        self.events: Dict[int, List[Tuple[List[int], List[int]]]] = {u: [(gs, []) for gs in c.values()] for u, c in clusters.items()}
        for i in np.asarray(singles, dtype=np.int64).tolist():
            self.events.setdefault(int(T.it_user[i]), []).append(([], [i]))
        self.users = np.array(sorted(set(self.events) | set(self.targets)), dtype=np.int64)
        self.always = np.intersect1d(self.users, np.zeros(0, np.int64) if always is None else np.asarray(always, dtype=np.int64))
        self.drawn = np.setdiff1d(self.users, self.always)
        self.prior_from_base = cfg.train.prior_from_base and len(self.always) > 0

    def sample(self) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(visible interactions, predicted groups, predicted single interactions, users)."""
        tc, rng = self.cfg.train, self.rng
        users = self.users
        if 0 < tc.users_per_episode < len(self.drawn):
            users = np.union1d(self.always, rng.choice(self.drawn, tc.users_per_episode, replace=False))
        visible: List[int] = []
        predicted: List[int] = []
        singles: List[int] = []
        for u in users.tolist():
            events = self.events.get(u, [])
            k = int(rng.integers(min(tc.visible_min, len(events)), min(tc.visible_pairs, len(events)) + 1))
            order = rng.permutation(len(events))
            for e in order[:k].tolist():
                groups, single = events[e]
                visible.extend(single)
                if groups:
                    visible.extend(interactions_of_groups(self.T, groups).tolist())
            rest = [g for e in order[k:].tolist() for g in events[e][0]]
            if len(rest) > tc.predict_pairs:
                rest = rng.choice(rest, tc.predict_pairs, replace=False).tolist()
            predicted.extend(rest + self.targets.get(u, []))
            singles.extend(i for e in order[k:].tolist() for i in events[e][1])
        return (np.unique(np.array(visible, dtype=np.int64)), np.array(predicted, dtype=np.int64),
                np.array(singles, dtype=np.int64), users)

    def llm_view(self, users: np.ndarray) -> LlmView:
        """This episode's LLM vectors: T's, plus ``alias_count`` (at least M) vectors to which the models of a
        share ``alias_share`` of the users are renamed (a random one-to-one map per user). The aliases are other
        LLMs' description vectors pulled towards one of them by a random t in [0.3, 1] (t = 1: as they are), so
        that catalogs of similar descriptions occur, like a deployment's family of models. Renamed models carry
        no prior: only the user's ratings tell which vector they like, so the router learns to read ratings for
        any model vector, as a deployment's own catalog needs."""
        T, tc, rng = self.T, self.cfg.train, self.rng
        if tc.alias_share <= 0 or len(self.alias_x) == 0:
            return LlmView(T.L, T.it_llm)
        M = len(T.L)
        E = min(max(tc.alias_count, M), len(self.alias_x))
        others = self.alias_x[rng.choice(len(self.alias_x), E, replace=False)]
        base = self.alias_x[rng.integers(len(self.alias_x))]
        pull = rng.uniform(0.3, 1.0)
        extra = (1 - pull) * base + pull * others
        extra = (extra * (np.linalg.norm(others, axis=1) / np.linalg.norm(extra, axis=1).clip(1e-9))[:, None]).astype(np.float32)
        it_llm = T.it_llm.copy()
        drawn = np.setdiff1d(users, self.always)  # base users teach the prior of the real models: their names stay
        for u in drawn[rng.random(len(drawn)) < tc.alias_share].tolist():
            mine = np.nonzero(T.it_user == u)[0]
            it_llm[mine] = M + rng.choice(E, M, replace=False)[T.it_llm[mine]]
        return LlmView(np.concatenate([T.L, extra]), it_llm)


def prior_free_scores(model: GMTRouter, T: Tensors, sampler: "EpisodeSampler", user_vec: torch.Tensor, cold_vec: Optional[torch.Tensor],
                      users: np.ndarray, items: np.ndarray, llms: Optional[LlmView]) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
    """Training scores of ``items``, and their cold-start scores for base users' items (None without ``cold_vec``).

    With a ``cold_vec`` (the users' vectors without history), a non-base user's score is s(u) - s(u0) +
    stop_gradient(s(u0)): the same value, but its loss moves only how the user's history shifts the score, never
    the cold-start prior, which base users alone teach (train.prior_from_base) through the second output: s(u0)
    of their items (NaN for other users' items), trained on every episode, not only when an episode shows k = 0."""
    s = item_scores(model, T, user_vec, users, items, llms)
    if cold_vec is None:
        return s, None
    s0 = item_scores(model, T, cold_vec, users, items, llms)
    base = torch.from_numpy(np.isin(T.it_user[items], sampler.always)).to(s.device)
    return torch.where(base, s, s - s0 + s0.detach()), torch.where(base, s0, torch.full_like(s0, float("nan")))


ValFn = Callable[[GMTRouter], float]


def train_model(
    T: Tensors, cfg: Config, train_groups: np.ndarray, val_groups: np.ndarray,
    singles: Optional[np.ndarray] = None, log=print, device: torch.device = torch.device("cpu"), val_fn: Optional[ValFn] = None,
    alias_x: Optional[np.ndarray] = None, always_users: Optional[np.ndarray] = None,
) -> Tuple[GMTRouter, Dict[str, Any]]:
    """Trains on ``train_groups`` and the single ratings ``singles`` on ``device``. Model selection: the
    state with the best ``val_fn(model)`` (an AUC); without one, the AUC on ``val_groups`` with the users'
    training interactions as history. The model is returned on ``device``."""
    tc = cfg.train
    seed = tc.seed + 1000 * tc.init  # train.init: another initialisation of the same data
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = GMTRouter(cfg.model).to(device)  # initialised on the CPU first: same weights for a seed on every device
    opt = torch.optim.Adam(model.parameters(), lr=tc.lr, weight_decay=tc.weight_decay)
    singles = np.zeros(0, dtype=np.int64) if singles is None else np.asarray(singles, dtype=np.int64)
    sampler = EpisodeSampler(T, np.asarray(train_groups), singles, cfg, rng, alias_x, always_users)
    if val_fn is None:
        val_visible = np.unique(np.concatenate([interactions_of_groups(T, train_groups), singles]))
        val_pairs = group_pairs(T, val_groups)
        if len(val_pairs):
            val_fn = lambda m: auc(T.pair_label[val_pairs], predict_diffs(m, T, val_visible, val_pairs))  # noqa: E731
    best = {"auc": -1.0, "epoch": 0, "state": copy.deepcopy(model.state_dict())}
    bar = Progress(tc.epochs, f"train[{cfg.name}]", tc.progress)
    t0 = time.perf_counter()
    for epoch in range(1, tc.epochs + 1):
        model.train()
        visible, predicted, single, users = sampler.sample()
        pairs = group_pairs(T, predicted)
        use_single = tc.pointwise_weight > 0 and len(single) > 0
        if len(pairs) or use_single:
            llms = sampler.llm_view(users)
            user_vec = model.encoder(**build_graph(T, visible, users, device, llms))
            cold_vec = model.encoder(**build_graph(T, np.zeros(0, np.int64), users, device, llms)) if sampler.prior_from_base else None
            scores = lambda items: prior_free_scores(model, T, sampler, user_vec, cold_vec, users, items, llms)  # noqa: E731
            loss = torch.zeros((), device=device)
            if len(pairs):
                s, s0 = scores(np.concatenate([T.pair_a[pairs], T.pair_b[pairs]]))
                lab = torch.from_numpy(T.pair_label[pairs]).to(device) * 2 - 1
                weight = None
                if tc.base_weight != 1.0 and len(sampler.always):
                    weight = torch.from_numpy(np.where(np.isin(T.it_user[T.pair_a[pairs]], sampler.always), tc.base_weight, 1.0).astype(np.float32)).to(device)
                loss = loss + bt_loss(s[: len(pairs)], s[len(pairs) :], lab, weight)
                if s0 is not None and bool(torch.isfinite(s0[: len(pairs)]).any()):
                    prior = torch.isfinite(s0[: len(pairs)])
                    loss = loss + bt_loss(s0[: len(pairs)][prior], s0[len(pairs) :][prior], lab[prior])
            if use_single:
                r = torch.from_numpy(T.it_rating[single]).to(device)
                loss = loss + tc.pointwise_weight * pointwise_loss(scores(single)[0], r)
            if cfg.model.answer_length and tc.answer_length_weight > 0:
                # the length head learns from every answer of the episode, under the answering model's own vector
                items = np.unique(np.concatenate([visible, single, T.pair_a[pairs], T.pair_b[pairs]]))
                q, l = torch.from_numpy(T.Q[T.it_q[items]]).to(device), torch.from_numpy(T.L[T.it_llm[items]]).to(device)
                z = model.predictor.predicted_length(q, l)
                loss = loss + tc.answer_length_weight * ((z - torch.from_numpy(T.it_len[items]).to(device)) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            if tc.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), tc.grad_clip)
            opt.step()
        if val_fn is not None and (epoch % tc.eval_every == 0 or epoch == tc.epochs):
            model.eval()
            a = val_fn(model)
            if a > best["auc"]:
                best = {"auc": a, "epoch": epoch, "state": copy.deepcopy(model.state_dict())}
            bar.set_postfix(f"val_auc={a:.3f} best={best['auc']:.3f}@{best['epoch']}")
        bar.update()
    bar.close()
    if val_fn is not None:
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
    keys = ["query_x", "rating", "llm_x", "session_llm", "chain_src", "chain_dst"] + (["response_x"] if T.R is not None else []) + (
        ["response_len"] if T.it_len is not None else [])
    return {k: {"dims": list(g[k].shape), "data": g[k].reshape(-1).tolist()} for k in keys}


def load_dataset_arg(args) -> "Dataset":  # noqa: F821
    from .data import Dataset
    from .importers import import_mtbench_human

    if args.dataset:
        return Dataset.load(args.dataset)
    return import_mtbench_human(args.mtbench)


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training train", description="Train a router on all of a dataset mixed with synthetic persona users (data.personas; 10% of the dataset's clusters and the persona validation users select the model) and write a checkpoint.")
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
    from .recipe import fit

    cfg = apply_overrides(get_preset(args.config), args.overrides)
    model, info, mixed = fit(load_dataset_arg(args), cfg, device)
    T = mixed.T
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
