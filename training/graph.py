"""From a :class:`Dataset` to model inputs: resolved vectors, per-user history graphs and comparison pairs.

The invariant that matters: a graph is built only from the interactions it is given as *visible*; the
ratings of predicted pairs never enter it (the reference code's test mode leaked them).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch

from .config import Config
from .contract import answer_length
from .data import Dataset
from .embed import embed_texts
from .query_text import build_query_texts


@dataclass
class Tensors:
    """Dataset resolved to arrays. Interaction i: user it_user[i], query vector Q[it_q[i]], llm L[it_llm[i]]."""

    ds: Dataset
    llm_ids: List[str]
    users: List[str]
    Q: np.ndarray  # [Nq, D] unique query texts
    R: Optional[np.ndarray]  # [Nr, D] unique response texts (only when the model uses response text)
    L: np.ndarray  # [M, D] LLM description vectors
    it_user: np.ndarray
    it_q: np.ndarray
    it_r: np.ndarray
    it_llm: np.ndarray
    it_rating: np.ndarray
    it_turn: np.ndarray
    it_session: np.ndarray
    it_grouped: np.ndarray  # bool: member of a comparison group
    groups: List[np.ndarray]  # interaction indices per group
    g_target: np.ndarray  # bool: a target_only group (never history)
    g_user: np.ndarray
    g_cluster: np.ndarray
    g_question: np.ndarray  # question id index (query_id without the turn suffix), for held-out questions
    g_category: np.ndarray
    categories: List[str]
    pair_a: np.ndarray  # all 2-combinations within groups (ties included; label 0.5)
    pair_b: np.ndarray
    pair_group: np.ndarray
    pair_label: np.ndarray  # 1 if a preferred, 0 if b preferred, 0.5 tie
    it_len: Optional[np.ndarray] = None  # each answer's standardised log length (model.answer_length)


def _index(values: Sequence[str]):
    uniq = sorted(set(values))
    pos = {v: i for i, v in enumerate(uniq)}
    return uniq, np.array([pos[v] for v in values], dtype=np.int64)


def build_tensors(ds: Dataset, cfg: Config, use_response_text: Optional[bool] = None) -> Tensors:
    dc = cfg.data
    emb_id, dim = dc.embedder_id, dc.embed_dim
    if ds.embedder is not None and (ds.embedder.get("id") != emb_id or ds.embedder.get("dim") != dim):
        raise ValueError(
            f"dataset {ds.source!r} was embedded with {ds.embedder}, but the config expects embedder "
            f"id={emb_id!r} dim={dim} (set --data.embedder_id/--data.embed_dim to match)"
        )
    inline = ds.vectors or None
    its = ds.interactions
    embed = lambda texts: embed_texts(texts, emb_id, dim, inline)  # noqa: E731
    qtexts, it_q = _index(build_query_texts(its, dc, embed))
    Q = embed(qtexts)
    use_rt = cfg.model.response_text if use_response_text is None else use_response_text
    R = None
    it_r = np.zeros(len(its), dtype=np.int64)
    if use_rt:
        missing = [it.id for it in its if it.response is None]
        if missing:
            raise ValueError(f"model.response_text=True but interaction {missing[0]!r} has no response text")
        rtexts, it_r = _index([it.response for it in its])
        R = embed(rtexts)
    llm_ids = sorted(ds.llms)
    L = embed([ds.llms[m] for m in llm_ids])
    users, it_user = _index([it.user for it in its])
    llm_pos = {m: i for i, m in enumerate(llm_ids)}
    _, it_session = _index([it.session for it in its])
    pos = {it.id: i for i, it in enumerate(its)}
    groups = [np.array([pos[i] for i in g.interactions], dtype=np.int64) for g in ds.groups]
    grouped = np.zeros(len(its), dtype=bool)
    for g in groups:
        grouped[g] = True
    user_pos = {u: i for i, u in enumerate(users)}
    _, g_cluster = _index([g.cluster for g in ds.groups]) if ds.groups else ([], np.zeros(0, np.int64))
    qids = [its[g[0]].query_id.rsplit("t", 1)[0] if its[g[0]].query_id else its[g[0]].query for g in groups]
    _, g_question = _index(qids) if groups else ([], np.zeros(0, np.int64))
    categories, g_category = _index([its[g[0]].category for g in groups]) if groups else ([], np.zeros(0, np.int64))
    rating = np.array([it.rating for it in its], dtype=np.float32)
    pa, pb, pg, pl = [], [], [], []
    for gi, g in enumerate(groups):
        for a, b in combinations(g.tolist(), 2):
            pa.append(a), pb.append(b), pg.append(gi)
            pl.append(0.5 if rating[a] == rating[b] else float(rating[a] > rating[b]))
    return Tensors(
        ds=ds, llm_ids=llm_ids, users=users, Q=Q, R=R, L=L, it_user=it_user, it_q=it_q, it_r=it_r,
        it_llm=np.array([llm_pos[it.llm] for it in its], dtype=np.int64), it_rating=rating,
        it_turn=np.array([it.turn for it in its], dtype=np.int64), it_session=it_session, it_grouped=grouped,
        groups=groups, g_target=np.array([g.target_only for g in ds.groups], dtype=bool),
        g_user=np.array([user_pos[g.user] for g in ds.groups], dtype=np.int64),
        g_cluster=g_cluster, g_question=g_question, g_category=g_category, categories=categories,
        pair_a=np.array(pa, dtype=np.int64), pair_b=np.array(pb, dtype=np.int64),
        pair_group=np.array(pg, dtype=np.int64), pair_label=np.array(pl, dtype=np.float32),
        it_len=np.array([answer_length(it.response) for it in its], dtype=np.float32) if cfg.model.answer_length else None,
    )


def chain_edges(T: Tensors, visible: np.ndarray):
    """follows edges among visible interactions: (session, turn t-1) -> (session, turn t), local indices."""
    where: Dict[tuple, List[int]] = {}
    for j, i in enumerate(visible.tolist()):
        where.setdefault((int(T.it_session[i]), int(T.it_turn[i])), []).append(j)
    src, dst = [], []
    for j, i in enumerate(visible.tolist()):
        for k in where.get((int(T.it_session[i]), int(T.it_turn[i]) - 1), []):
            src.append(k), dst.append(j)
    return np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)


@dataclass
class LlmView:
    """The LLM vectors of one episode and which of them answered each interaction (training renames the
    models of some users, see EpisodeSampler)."""

    L: np.ndarray  # [M', D]
    it_llm: np.ndarray  # [N] index into L per interaction


def build_graph(T: Tensors, visible: np.ndarray, batch_users: np.ndarray, device: torch.device = torch.device("cpu"),
                llms: Optional[LlmView] = None) -> Dict[str, object]:
    """Batched history graph of ``batch_users`` made only of the ``visible`` interactions, on ``device``.

    Returns the user encoder's keyword inputs; user j of the batch is ``batch_users[j]``. A batch user
    without visible interactions is a lone user node (cold start). ``llms``: the episode's LLM vectors
    instead of T's."""
    llms = llms or LlmView(T.L, T.it_llm)
    visible = np.asarray(visible, dtype=np.int64)
    upos = {int(u): j for j, u in enumerate(batch_users)}
    bad = [int(T.it_user[i]) for i in visible if int(T.it_user[i]) not in upos]
    if bad:
        raise ValueError(f"visible interaction of user {T.users[bad[0]]!r} not in the batch")
    src, dst = chain_edges(T, visible)
    arrays = {
        "query_x": T.Q[T.it_q[visible]].reshape(len(visible), T.Q.shape[1]),
        "rating": T.it_rating[visible],
        "llm_x": llms.L,
        "session_llm": llms.it_llm[visible],
        "chain_src": src,
        "chain_dst": dst,
        "session_user": np.array([upos[int(T.it_user[i])] for i in visible], dtype=np.int64),
        "response_x": T.R[T.it_r[visible]] if T.R is not None else None,
        "response_len": T.it_len[visible] if T.it_len is not None else None,
    }
    out: Dict[str, object] = {k: None if v is None else torch.from_numpy(v).to(device) for k, v in arrays.items()}
    out["n_users"] = len(batch_users)
    return out


def group_pairs(T: Tensors, groups: np.ndarray, include_ties: bool = False) -> np.ndarray:
    """Indices into T.pair_* of the pairs of the given groups (ties dropped unless asked)."""
    mask = np.isin(T.pair_group, groups)
    if not include_ties:
        mask &= T.pair_label != 0.5
    return np.nonzero(mask)[0]
