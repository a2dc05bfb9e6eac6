"""The persona benchmark (training/personas.py): does the router read what a user's ratings say?

Held-out (test) users are never trained on. Each reveals its first k = 0, 5, 10, 20 rating events as history
(single stars/thumbs or a pairwise vote, as the app gets them); every method then scores all models for the
user's target questions (its split's questions, never rated by anyone in training), and is judged on the
pairs of answers the persona voted on:

- pairwise AUC of score differences (pooled over users, predictions of all seeds pooled, 95% CI by
  bootstrapping users; a paired CI for the difference to ``ours``);
- routing utility: the persona's utility of the routed (arg-max) model, as a fraction of the oracle's
  (best model per question) above random (the mean over models), per persona family.

Methods: ``ours`` (the trained router, online layer off), ``ours+online`` (the served online layer, beta and
kappa chosen on validation users), ``global-bt`` (one Bradley-Terry fit on the training users),
``per-user-bt`` (a logistic model of the user's own votes and ratings, shrunk to global BT; shrinkage on
validation), ``query-knn`` (global BT plus the user's centred ratings of each model on the most similar
rated questions; neighbours and weight on validation), ``global-bt+online`` (global BT plus today's online
layer, beta and kappa on validation) and ``oracle`` (the persona's true utility).
Every constant is chosen on validation users who reveal k events, as new users do (mean AUC over k).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Sequence, Tuple

import numpy as np
import torch
from scipy.optimize import minimize

from .baselines import fit_bt
from .config import Config
from .data import Interaction
from .graph import Tensors, build_graph, group_pairs
from .model import GMTRouter
from .online import online_preference
from .personas import PersonaBench, family_of, persona_lookup
from .query_text import EmbedFn, build_query_texts
from .train import auc

K_REVEAL = (0, 5, 10, 20)
ONLINE_BETAS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)
ONLINE_KAPPAS = (0.25, 1.0, 4.0)

# scores(users, k) -> {user id: [C_u, M] scores for the user's target cells, in Setup.cells_of order}
ScoreFn = Callable[[Sequence[str], int], Dict[str, np.ndarray]]


@dataclass
class Setup:
    """A persona benchmark resolved against the tensors a model is trained on (T holds every persona)."""

    bench: PersonaBench
    T: Tensors
    cell_Q: np.ndarray  # [C, D] query vectors of every answer cell
    pos: Dict[str, int]  # interaction id -> index in T
    upos: Dict[str, int]  # user id -> index in T.users
    llm_index: np.ndarray  # bench model m -> T's llm index

    def revealed(self, uid: str, k: int) -> np.ndarray:
        ids = [i for event in self.bench.events[uid][:k] for i in event]
        return np.array([self.pos[i] for i in ids], dtype=np.int64)

    def cells_of(self, uid: str) -> np.ndarray:
        return np.unique(self.bench.targets[uid][:, 0].astype(np.int64))

    def users(self, split: str) -> List[str]:
        return [p.id for p in self.bench.users if p.split == split]


def make_setup(bench: PersonaBench, T: Tensors, cfg: Config, embed: EmbedFn) -> Setup:
    cells = bench.cells
    fake = [Interaction(id=str(c), user="", session="", turn=cells.keys[c][1], query=cells.query[c], context=cells.context[c], llm="", rating=0.0)
            for c in range(len(cells.keys))]
    texts = build_query_texts(fake, cfg.data, embed)
    return Setup(
        bench=bench, T=T, cell_Q=embed(texts), pos={it.id: i for i, it in enumerate(T.ds.interactions)},
        upos={u: i for i, u in enumerate(T.users)}, llm_index=np.array([T.llm_ids.index(m) for m in cells.llms], dtype=np.int64),
    )


# ------------------------------------------------------------------------------------------ methods
def model_scores(model: GMTRouter, s: Setup) -> ScoreFn:
    @torch.no_grad()
    def score(users: Sequence[str], k: int) -> Dict[str, np.ndarray]:
        model.eval()
        device = next(model.parameters()).device
        batch = np.array([s.upos[u] for u in users], dtype=np.int64)
        visible = np.concatenate([s.revealed(u, k) for u in users]) if k else np.zeros(0, dtype=np.int64)
        user_vec = model.encoder(**build_graph(s.T, visible, batch, device))
        L = torch.from_numpy(s.T.L).to(device)
        out = {}
        rows = [(j, c) for j, u in enumerate(users) for c in s.cells_of(u).tolist()]
        sc = model.predictor(user_vec[torch.tensor([j for j, _ in rows], device=device)], torch.from_numpy(s.cell_Q[[c for _, c in rows]]).to(device), L)
        sc = sc.cpu().numpy()[:, s.llm_index]
        at = 0
        for u in users:
            n = len(s.cells_of(u))
            out[u], at = sc[at : at + n], at + n
        return out

    return score


def _history(s: Setup, uid: str, k: int):
    """(query vectors, bench model indices, ratings, group id or -1) of the user's first k events."""
    idx = s.revealed(uid, k)
    T = s.T
    inv = np.argsort(s.llm_index)
    return T.Q[T.it_q[idx]], inv[T.it_llm[idx]], T.it_rating[idx], idx


def global_bt_strengths(s: Setup) -> np.ndarray:
    """BT over every pair of the training users' groups (votes and probe rankings), in bench model order."""
    T = s.T
    train_users = {s.upos[u] for u in s.users("train")}
    groups = np.array([g for g in range(len(T.groups)) if int(T.g_user[g]) in train_users], dtype=np.int64)
    p = group_pairs(T, groups, include_ties=True)
    inv = np.argsort(s.llm_index)
    return fit_bt(inv[T.it_llm[T.pair_a[p]]], inv[T.it_llm[T.pair_b[p]]], T.pair_label[p], len(s.llm_index))


def constant_scores(s: Setup, beta: np.ndarray) -> ScoreFn:
    return lambda users, k: {u: np.tile(beta, (len(s.cells_of(u)), 1)) for u in users}


def answer_oracle_scores(s: Setup) -> ScoreFn:
    """The persona's true utility of each answer: knows the answers before they are written (an upper bound
    no router can reach)."""
    lookup = persona_lookup(s.bench)
    return lambda users, k: {u: lookup[u].utility[s.cells_of(u)] for u in users}


def persona_oracle_scores(s: Setup, neighbours: int = 10) -> ScoreFn:
    """The persona oracle: knows the persona's utility of every answer to every *training* question (as if
    the user had rated all of them) and routes a new question by the mean utility of each model on the
    ``neighbours`` most similar training questions: the best a router can do from ratings alone."""
    lookup = persona_lookup(s.bench)
    train_cells = np.array([c for c, (q, _) in enumerate(s.bench.cells.keys) if s.bench.question_split[q] == "train"])
    unit = s.cell_Q / np.linalg.norm(s.cell_Q, axis=1, keepdims=True)

    def score(users, k):
        out = {}
        for u in users:
            cells = s.cells_of(u)
            nn_ = np.argsort(-(unit[cells] @ unit[train_cells].T), axis=1)[:, :neighbours]
            out[u] = lookup[u].utility[train_cells][nn_].mean(axis=1)
        return out

    return score


def online_scores(s: Setup, base: ScoreFn, beta: float, kappa: float) -> ScoreFn:
    """``base`` plus the served online preference layer over the revealed history."""

    def score(users, k):
        out = base(users, k)
        if beta == 0 or k == 0:
            return out
        for u in users:
            hq, hm, hr, _ = _history(s, u, k)
            out[u] = out[u] + beta * online_preference(s.cell_Q[s.cells_of(u)], hq, hm, hr, out[u].shape[1], kappa)
        return out

    return score


def per_user_bt(s: Setup, glob: np.ndarray, lam: float) -> ScoreFn:
    """Per user: pairwise votes as BT terms, single ratings as logistic terms sigmoid(beta_m + c_u) with a
    free per-user leniency c_u, strengths shrunk to ``glob`` with weight ``lam``."""
    M = len(glob)

    def fit(uid: str, k: int) -> np.ndarray:
        if k == 0:
            return glob
        _, hm, hr, idx = _history(s, uid, k)
        grouped = s.T.it_grouped[idx]
        pa, pb, py = [], [], []
        events = s.bench.events[uid][:k]
        at = 0
        for ev in events:  # a pairwise vote is two interactions in a row
            if len(ev) == 2:
                pa.append(hm[at]), pb.append(hm[at + 1]), py.append(hr[at])
            at += len(ev)
        sm, sr = hm[~grouped], hr[~grouped]
        pa, pb, py = np.array(pa, dtype=np.int64), np.array(pb, dtype=np.int64), np.array(py)

        def f(x):
            beta, c = x[:M], x[M]
            loss = lam / 2 * np.sum((beta - glob) ** 2) + 0.05 * c * c
            g = np.zeros(M + 1)
            g[:M] = lam * (beta - glob)
            g[M] = 0.1 * c
            if len(pa):
                d = beta[pa] - beta[pb]
                loss += np.sum(np.logaddexp(0, -d) * py + np.logaddexp(0, d) * (1 - py))
                e = 1 / (1 + np.exp(-d)) - py
                g[:M] += np.bincount(pa, e, M) - np.bincount(pb, e, M)
            if len(sm):
                z = beta[sm] + c
                loss += np.sum(np.logaddexp(0, -z) * sr + np.logaddexp(0, z) * (1 - sr))
                e = 1 / (1 + np.exp(-z)) - sr
                g[:M] += np.bincount(sm, e, M)
                g[M] += e.sum()
            return loss, g

        return minimize(f, np.concatenate([glob, [0.0]]), jac=True, method="L-BFGS-B").x[:M]

    return lambda users, k: {u: np.tile(fit(u, k), (len(s.cells_of(u)), 1)) for u in users}


def query_knn(s: Setup, glob: np.ndarray, neighbours: int, weight: float) -> ScoreFn:
    """Global BT plus ``weight`` x the user's mean centred rating of each model over the ``neighbours``
    revealed ratings whose questions are most similar to the target question."""

    def score(users, k):
        out = {}
        for u in users:
            base = np.tile(glob, (len(s.cells_of(u)), 1))
            if k == 0:
                out[u] = base
                continue
            hq, hm, hr, _ = _history(s, u, k)
            q = s.cell_Q[s.cells_of(u)]
            sim = (q / np.linalg.norm(q, axis=1, keepdims=True)) @ (hq / np.linalg.norm(hq, axis=1, keepdims=True)).T
            centred = hr - hr.mean()
            adj = np.zeros_like(base)
            for row in range(len(q)):
                nn_ = np.argsort(-sim[row])[:neighbours]
                tot, cnt = np.zeros(len(glob)), np.zeros(len(glob))
                np.add.at(tot, hm[nn_], centred[nn_])
                np.add.at(cnt, hm[nn_], 1)
                adj[row] = tot / (cnt + 1)
            out[u] = base + weight * adj
        return out

    return score


# ------------------------------------------------------------------------------------------ metrics
def diffs(s: Setup, scores: Dict[str, np.ndarray], uid: str) -> Tuple[np.ndarray, np.ndarray]:
    """(labels, s_a - s_b) of the user's target pairs."""
    t = s.bench.targets[uid]
    row = {c: j for j, c in enumerate(s.cells_of(uid).tolist())}
    r = np.array([row[int(c)] for c in t[:, 0]])
    sc = scores[uid]
    return t[:, 3], sc[r, t[:, 1].astype(int)] - sc[r, t[:, 2].astype(int)]


def routing_utility(s: Setup, scores: Dict[str, np.ndarray], uid: str) -> Tuple[float, float, float]:
    """(routed, random, oracle) mean utility over the user's target cells."""
    U = persona_lookup(s.bench)[uid].utility[s.cells_of(uid)]
    routed = U[np.arange(len(U)), np.argmax(scores[uid], axis=1)]
    return float(routed.mean()), float(U.mean()), float(U.max(axis=1).mean())


def mean_auc(s: Setup, fn: ScoreFn, users: Sequence[str], ks: Sequence[int] = K_REVEAL) -> float:
    """Validation criterion: pooled AUC of ``users`` averaged over the revealed counts ``ks``."""
    out = []
    for k in ks:
        sc = fn(users, k)
        ys, ds = zip(*(diffs(s, sc, u) for u in users))
        out.append(auc(np.concatenate(ys), np.concatenate(ds)))
    return float(np.mean(out))


def choose(s: Setup, make: Callable[..., ScoreFn], grid: Sequence[Tuple[Any, ...]]) -> Tuple[Tuple[Any, ...], ScoreFn]:
    """The grid point with the best validation AUC (ties: the first)."""
    val = s.users("val")
    best = max(grid, key=lambda g: mean_auc(s, make(*g), val))
    return best, make(*best)


def baseline_methods(s: Setup, ours: ScoreFn) -> Tuple[Dict[str, ScoreFn], Dict[str, Any]]:
    """Every method of the table, constants chosen on validation users."""
    glob = global_bt_strengths(s)
    gbt = constant_scores(s, glob)
    chosen: Dict[str, Any] = {}
    methods: Dict[str, ScoreFn] = {"random": lambda users, k: {u: np.random.default_rng(abs(hash((u, k))) % 2**32).normal(size=(len(s.cells_of(u)), len(glob))) for u in users}}
    methods["global-bt"] = gbt
    chosen["per-user-bt"], methods["per-user-bt"] = choose(s, lambda lam: per_user_bt(s, glob, lam), [(x,) for x in (0.3, 1.0, 3.0, 10.0, 30.0)])
    chosen["query-knn"], methods["query-knn"] = choose(s, lambda n, w: query_knn(s, glob, n, w), [(n, w) for n in (3, 5, 10, 20) for w in (1.0, 2.0, 4.0, 8.0)])
    grid = [(b, kp) for b in ONLINE_BETAS for kp in ONLINE_KAPPAS]
    chosen["global-bt+online"], methods["global-bt+online"] = choose(s, lambda b, kp: online_scores(s, gbt, b, kp), grid)
    methods["ours"] = ours
    chosen["ours+online"], methods["ours+online"] = choose(s, lambda b, kp: online_scores(s, ours, b, kp), grid)
    methods["persona-oracle"] = persona_oracle_scores(s)
    methods["answer-oracle"] = answer_oracle_scores(s)
    return methods, chosen


def collect(s: Setup, methods: Dict[str, ScoreFn], seed: int, ks: Sequence[int] = K_REVEAL) -> List[Dict[str, Any]]:
    """Per (method, k, test user): labels, diffs and routing utilities (the raw material of the report)."""
    users = s.users("test")
    fam = family_of(s.bench)
    rows = []
    for name, fn in methods.items():
        for k in ks:
            sc = fn(users, k)
            for u in users:
                y, d = diffs(s, sc, u)
                routed, rand, best = routing_utility(s, sc, u)
                rows.append({"method": name, "k": k, "user": f"{seed}:{u}", "family": fam[u], "labels": y.tolist(), "diffs": d.tolist(),
                             "utility": [routed, rand, best]})
    return rows
