"""Baselines for the evaluation table. Each has ``fit(T, train_groups, val_groups)`` and
``predict(T, visible, pairs) -> s_a - s_b`` (history-aware baselines use only ``visible`` interactions).

- random; always-best-single-model (highest training win rate); global Bradley-Terry; per-category BT and
  per-user BT, both shrunk to the global BT prior (shrinkage picked on validation AUC); query-kNN over
  query embeddings (no user); matrix factorisation in the style of RouteLLM's MF router.
"""

from __future__ import annotations

from typing import Dict, Optional

import numpy as np
import torch
from scipy.optimize import minimize

from .graph import Tensors, group_pairs
from .train import auc


def _pairs_of(T: Tensors, groups: np.ndarray, include_ties: bool = True) -> np.ndarray:
    return group_pairs(T, groups, include_ties=include_ties)


def fit_bt(a: np.ndarray, b: np.ndarray, y: np.ndarray, M: int, prior: Optional[np.ndarray] = None, lam: float = 1.0) -> np.ndarray:
    """Bradley-Terry strengths beta [M] minimising sum logloss(y, sigmoid(beta_a - beta_b)) + lam/2 |beta - prior|^2.
    y is a soft label in [0,1] (ties 0.5)."""
    prior = np.zeros(M) if prior is None else prior
    if len(a) == 0:
        return prior.copy()

    def f(beta):
        d = beta[a] - beta[b]
        p = 1 / (1 + np.exp(-d))
        loss = np.sum(np.logaddexp(0, -d) * y + np.logaddexp(0, d) * (1 - y)) + lam / 2 * np.sum((beta - prior) ** 2)
        g = p - y
        grad = np.bincount(a, g, M) - np.bincount(b, g, M) + lam * (beta - prior)
        return loss, grad

    return minimize(f, prior.copy(), jac=True, method="L-BFGS-B").x


class Random:
    name = "random"

    def fit(self, T, train_groups, val_groups, seed=0):
        self.rng = np.random.default_rng(seed)
        return self

    def predict(self, T, visible, pairs):
        return self.rng.normal(size=len(pairs))


class AlwaysBest:
    name = "always-best-single-model"

    def fit(self, T, train_groups, val_groups, seed=0):
        p = _pairs_of(T, train_groups, include_ties=False)
        M = len(T.llm_ids)
        la, lb, y = T.it_llm[T.pair_a[p]], T.it_llm[T.pair_b[p]], T.pair_label[p]
        wins = np.bincount(la, y, M) + np.bincount(lb, 1 - y, M)
        games = np.bincount(la, None, M) + np.bincount(lb, None, M)
        self.best = int(np.argmax(wins / np.maximum(games, 1)))
        return self

    def predict(self, T, visible, pairs):
        return (T.it_llm[T.pair_a[pairs]] == self.best).astype(float) - (T.it_llm[T.pair_b[pairs]] == self.best)


class GlobalBT:
    name = "global-bt"

    def fit(self, T, train_groups, val_groups, seed=0, lam: float = 1.0):
        p = _pairs_of(T, train_groups)
        self.beta = fit_bt(T.it_llm[T.pair_a[p]], T.it_llm[T.pair_b[p]], T.pair_label[p], len(T.llm_ids), lam=lam)
        return self

    def predict(self, T, visible, pairs):
        return self.beta[T.it_llm[T.pair_a[pairs]]] - self.beta[T.it_llm[T.pair_b[pairs]]]


LAMBDAS = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)


class PerCategoryBT:
    """One BT per query category, shrunk to the global BT (lambda picked on validation)."""

    name = "per-category-bt"

    def fit(self, T, train_groups, val_groups, seed=0):
        self.glob = GlobalBT().fit(T, train_groups, val_groups).beta
        p = _pairs_of(T, train_groups)
        cat = T.g_category[T.pair_group[p]]
        vp = _pairs_of(T, val_groups, include_ties=False)
        best = (-1.0, None)
        for lam in LAMBDAS:
            betas = {}
            for c in np.unique(cat):
                q = p[cat == c]
                betas[int(c)] = fit_bt(T.it_llm[T.pair_a[q]], T.it_llm[T.pair_b[q]], T.pair_label[q], len(T.llm_ids), self.glob, lam)
            self.betas = betas
            a = auc(T.pair_label[vp], self.predict(T, None, vp)) if len(vp) else 0.0
            if a > best[0]:
                best = (a, (lam, betas))
        self.lam, self.betas = best[1]
        return self

    def predict(self, T, visible, pairs):
        cats = T.g_category[T.pair_group[pairs]]
        out = np.empty(len(pairs))
        for i, (p, c) in enumerate(zip(pairs, cats)):
            beta = self.betas.get(int(c), self.glob)
            out[i] = beta[T.it_llm[T.pair_a[p]]] - beta[T.it_llm[T.pair_b[p]]]
        return out


class PerUserBT:
    """One BT per user from the user's *visible* history only, shrunk to the global BT (lambda on validation)."""

    name = "per-user-bt"

    def fit(self, T, train_groups, val_groups, seed=0):
        self.glob = GlobalBT().fit(T, train_groups, val_groups).beta
        vp = _pairs_of(T, val_groups, include_ties=False)
        visible = np.unique(np.concatenate([T.groups[g] for g in train_groups]))
        best = (-1.0, 10.0)
        for lam in LAMBDAS:
            self.lam = lam
            a = auc(T.pair_label[vp], self.predict(T, visible, vp)) if len(vp) else 0.0
            if a > best[0]:
                best = (a, lam)
        self.lam = best[1]
        return self

    def predict(self, T, visible, pairs):
        vis = np.zeros(len(T.it_user), dtype=bool)
        vis[visible] = True
        hist = np.nonzero(vis[T.pair_a] & vis[T.pair_b])[0]  # pairs fully visible = the user's known votes
        out = np.empty(len(pairs))
        users = T.it_user[T.pair_a[pairs]]
        M = len(T.llm_ids)
        hist_user = T.it_user[T.pair_a[hist]]
        for u in np.unique(users):
            h = hist[hist_user == u]
            beta = fit_bt(T.it_llm[T.pair_a[h]], T.it_llm[T.pair_b[h]], T.pair_label[h], M, self.glob, self.lam)
            sel = users == u
            out[sel] = beta[T.it_llm[T.pair_a[pairs[sel]]]] - beta[T.it_llm[T.pair_b[pairs[sel]]]]
        return out


class QueryKNN:
    """Mean rating of each model over the k training queries nearest (cosine) to the test query; no user."""

    name = "query-knn"

    def fit(self, T, train_groups, val_groups, seed=0, k: int = 10):
        self.k = k
        inter = np.unique(np.concatenate([T.groups[g] for g in train_groups]))
        M = len(T.llm_ids)
        qs = np.unique(T.it_q[inter])
        self.qs = qs
        pos = {int(q): i for i, q in enumerate(qs)}
        qi = np.array([pos[int(q)] for q in T.it_q[inter]])
        self.sum = np.zeros((len(qs), M))
        self.cnt = np.zeros((len(qs), M))
        np.add.at(self.sum, (qi, T.it_llm[inter]), T.it_rating[inter])
        np.add.at(self.cnt, (qi, T.it_llm[inter]), 1)
        X = T.Q[qs]
        self.X = X / np.linalg.norm(X, axis=1, keepdims=True).clip(1e-9)
        return self

    def _model_scores(self, T, q: int) -> np.ndarray:
        v = T.Q[q] / max(np.linalg.norm(T.Q[q]), 1e-9)
        nn_ = np.argsort(-(self.X @ v))[: self.k]
        return (self.sum[nn_].sum(0) + 0.5) / (self.cnt[nn_].sum(0) + 1.0)  # smoothed towards 0.5

    def predict(self, T, visible, pairs):
        cache: Dict[int, np.ndarray] = {}
        out = np.empty(len(pairs))
        for i, p in enumerate(pairs):
            qa, qb = int(T.it_q[T.pair_a[p]]), int(T.it_q[T.pair_b[p]])
            for q in (qa, qb):
                if q not in cache:
                    cache[q] = self._model_scores(T, q)
            out[i] = cache[qa][T.it_llm[T.pair_a[p]]] - cache[qb][T.it_llm[T.pair_b[p]]]
        return out


class MatrixFactorization(torch.nn.Module):
    """RouteLLM-style MF: s(m, q) = w^T (normalize(P_m) * (W q)) + c_m, trained with the BT loss (no user)."""

    name = "mf-routellm"

    def fit(self, T, train_groups, val_groups, seed=0, dim: int = 64, steps: int = 400, lr: float = 3e-3):
        torch.manual_seed(seed)
        M, D = len(T.llm_ids), T.Q.shape[1]
        self.P = torch.nn.Embedding(M, dim)
        self.W = torch.nn.Linear(D, dim, bias=False)
        self.w = torch.nn.Linear(dim, 1)
        self.c = torch.nn.Parameter(torch.zeros(M))
        p = _pairs_of(T, train_groups, include_ties=False)
        qa, qb = torch.from_numpy(T.Q[T.it_q[T.pair_a[p]]]), torch.from_numpy(T.Q[T.it_q[T.pair_b[p]]])
        la, lb = torch.from_numpy(T.it_llm[T.pair_a[p]]), torch.from_numpy(T.it_llm[T.pair_b[p]])
        y = torch.from_numpy(T.pair_label[p]) * 2 - 1
        opt = torch.optim.Adam(self.parameters(), lr=lr, weight_decay=1e-4)
        for _ in range(steps):
            d = self._score(qa, la) - self._score(qb, lb)
            loss = torch.nn.functional.softplus(-y * d).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        return self

    def _score(self, q, m):
        return self.w(torch.nn.functional.normalize(self.P(m), dim=-1) * self.W(q)).squeeze(-1) + self.c[m]

    @torch.no_grad()
    def predict(self, T, visible, pairs):
        qa, qb = torch.from_numpy(T.Q[T.it_q[T.pair_a[pairs]]]), torch.from_numpy(T.Q[T.it_q[T.pair_b[pairs]]])
        la, lb = torch.from_numpy(T.it_llm[T.pair_a[pairs]]), torch.from_numpy(T.it_llm[T.pair_b[pairs]])
        return (self._score(qa, la) - self._score(qb, lb)).numpy()


BASELINES = {c.name: c for c in (Random, AlwaysBest, GlobalBT, PerCategoryBT, PerUserBT, QueryKNN, MatrixFactorization)}
