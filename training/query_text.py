"""Query-node texts for a list of interactions in any query mode, exactly as router-core builds them.

``current_only`` and ``full_context`` need only the conversation (:func:`training.data.build_query_text`).
``retrieval`` first embeds every user message of the conversation with the serving embedder, keeps the
``k`` earlier messages most similar to the current one (router-core/features.ts selectRetrievalTurns)
and joins them, oldest first, before the current message. The selection must match router-core bit for
bit, otherwise a model is trained on other texts than it is served with; the cross-language fixture
``test/fixtures/retrieval-query-text.json`` pins that down on both sides.
"""

from __future__ import annotations

import math
from typing import Callable, List, Sequence

import numpy as np

from .config import DataConfig
from .data import Interaction, build_query_text

# texts -> float32 [len(texts), D] vectors from the serving embedder (training.embed.embed_texts)
EmbedFn = Callable[[Sequence[str]], np.ndarray]


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two float32 vectors, 0 when either is all zeros.

    Accumulated left to right in float64 like the JavaScript loop in features.ts (a float32 product is
    exact in float64 and cumsum adds sequentially), so both sides get the same double, ties included."""
    a64, b64 = np.asarray(a, dtype=np.float32).astype(np.float64), np.asarray(b, dtype=np.float32).astype(np.float64)
    if a64.size == 0:
        return 0.0
    dot = float(np.cumsum(a64 * b64)[-1])
    na = float(np.cumsum(a64 * a64)[-1])
    nb = float(np.cumsum(b64 * b64)[-1])
    return 0.0 if na == 0 or nb == 0 else dot / math.sqrt(na * nb)


def select_retrieval_turns(current: np.ndarray, earlier: Sequence[np.ndarray], k: int) -> List[int]:
    """Indices of the ``k`` earlier messages most similar to ``current`` (ties: the more recent wins),
    ascending, i.e. oldest first."""
    sims = [(cosine_similarity(current, e), i) for i, e in enumerate(earlier)]
    best = sorted(sims, key=lambda s: (-s[0], -s[1]))[: max(0, k)]
    return sorted(i for _, i in best)


def build_query_texts(interactions: Sequence[Interaction], dc: DataConfig, embed: EmbedFn) -> List[str]:
    """One query text per interaction in ``dc.query_mode``; ``embed`` is called only in retrieval mode."""
    if dc.query_mode != "retrieval":
        return [build_query_text(it, dc.query_mode, dc.query_separator, dc.query_max_chars) for it in interactions]
    # router-core embeds each message on its own (the message, then its earlier messages), never a join
    messages = sorted({m for it in interactions if it.context for m in [it.query, *it.context]})
    vectors = dict(zip(messages, embed(messages))) if messages else {}
    texts = []
    for it in interactions:
        retrieved = select_retrieval_turns(vectors[it.query], [vectors[m] for m in it.context], dc.retrieval_top_k) if it.context else []
        texts.append(build_query_text(it, "retrieval", dc.query_separator, dc.query_max_chars, retrieved))
    return texts
