"""The one internal dataset format all importers produce, and its (de)serialisation.

A :class:`Dataset` holds users, LLMs (id + description), interactions (one model's answer to one user
query in one chat session/turn, with a rating r in [0,1]) and comparison groups (interactions of the same
user and query that were compared against each other). Each group has a ``cluster`` key: groups with the
same cluster (e.g. the turn-1 and turn-2 votes of one judge on one question and model pair) must land in
the same split.

File format (``*.dataset.json``): ``{"format": "switchboard-training-dataset", "version": 1, "source",
"embedder": null | {"id", "dim"}, "llms": [...], "interactions": [...], "groups": [...], "vectors": {}}``.
``embedder`` is null when texts are to be embedded with the serving embedder; a dataset that carries its
own vectors (GMTRouter JSONL) names their embedder and stores them in ``vectors`` keyed by text.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

FORMAT = "switchboard-training-dataset"
VERSION = 1
SOURCES = ("stars", "thumbs", "feedback", "compare", "sibling", "mtbench", "gmtrouter", "persona")


@dataclass
class Interaction:
    id: str
    user: str
    session: str  # conversation/track id; consecutive turns of one session get "follows" edges
    turn: int  # 1-based turn index within the session
    query: str  # the current user message
    context: List[str]  # earlier user messages of the session, oldest first
    llm: str
    rating: float  # r in [0,1]
    response: Optional[str] = None
    source: str = "mtbench"
    created_at: str = ""
    category: str = ""  # optional query category (MT-Bench); used by the per-category BT baseline
    query_id: str = ""  # stable id of (question, turn) when known; used by the held-out-question split


@dataclass
class Group:
    id: str
    user: str
    interactions: List[str]  # interaction ids, >= 2
    cluster: str  # split unit
    # A training target only, never history: e.g. a synthetic user's ranking of every model's answer to one
    # question (training/personas.py), which no app user produces.
    target_only: bool = False


@dataclass
class Dataset:
    source: str
    llms: Dict[str, str]  # id -> description
    interactions: List[Interaction]
    groups: List[Group]
    embedder: Optional[Dict[str, Any]] = None
    vectors: Dict[str, List[float]] = field(default_factory=dict)

    @property
    def users(self) -> List[str]:
        return sorted({it.user for it in self.interactions})

    def by_id(self) -> Dict[str, Interaction]:
        return {it.id: it for it in self.interactions}

    def summary(self) -> Dict[str, Any]:
        return {
            "source": self.source,
            "users": len(self.users),
            "interactions": len(self.interactions),
            "comparisons": len(self.groups),
            "llms": sorted(self.llms),
            "sessions": len({it.session for it in self.interactions}),
            "multiTurnInteractions": sum(1 for it in self.interactions if it.turn > 1),
        }

    def check(self, where: str = "dataset") -> "Dataset":
        """Internal consistency: unique ids, known LLMs, ratings in range, groups reference one user."""
        ids = self.by_id()
        if len(ids) != len(self.interactions):
            raise ValueError(f"{where}: duplicate interaction ids")
        for it in self.interactions:
            if it.llm not in self.llms:
                raise ValueError(f"{where}: interaction {it.id!r} field 'llm': unknown LLM {it.llm!r} (no description)")
            if not (0.0 <= it.rating <= 1.0):
                raise ValueError(f"{where}: interaction {it.id!r} field 'rating': {it.rating!r} not in [0,1]")
        for g in self.groups:
            if len(g.interactions) < 2:
                raise ValueError(f"{where}: group {g.id!r} field 'interactions': needs >= 2, got {len(g.interactions)}")
            for iid in g.interactions:
                if iid not in ids:
                    raise ValueError(f"{where}: group {g.id!r} field 'interactions': unknown interaction {iid!r}")
                if ids[iid].user != g.user:
                    raise ValueError(f"{where}: group {g.id!r}: interaction {iid!r} belongs to user {ids[iid].user!r}")
        return self

    def save(self, path: Path) -> None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = {
            "format": FORMAT,
            "version": VERSION,
            "source": self.source,
            "embedder": self.embedder,
            "llms": [{"id": k, "description": v} for k, v in self.llms.items()],
            "interactions": [asdict(i) for i in self.interactions],
            "groups": [asdict(g) for g in self.groups],
            "vectors": self.vectors,
        }
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")

    @staticmethod
    def load(path: Path) -> "Dataset":
        path = Path(path)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}:{e.lineno}: not valid JSON ({e.msg})") from None
        if doc.get("format") != FORMAT or doc.get("version") != VERSION:
            raise ValueError(f"{path}: field 'format'/'version': {doc.get('format')!r} v{doc.get('version')!r}, expected {FORMAT} v{VERSION}")
        return Dataset(
            source=doc["source"],
            llms={d["id"]: d["description"] for d in doc["llms"]},
            interactions=[Interaction(**d) for d in doc["interactions"]],
            groups=[Group(**d) for d in doc["groups"]],
            embedder=doc.get("embedder"),
            vectors=doc.get("vectors", {}),
        ).check(str(path))


def build_query_text(it: Interaction, mode: str, separator: str = "\n\n", max_chars: int = 4000,
                     retrieved: Optional[Sequence[int]] = None) -> str:
    """The text embedded as the query node (contract "queryText"), as router-core/features.ts
    buildQueryText builds it. ``retrieved`` (retrieval mode only) are indices into ``it.context`` chosen
    by :func:`training.retrieval.select_retrieval_turns`."""
    if mode == "current_only":
        return it.query
    if mode == "full_context":
        parts = list(it.context) + [it.query]
    elif mode == "retrieval":
        parts = [it.context[i] for i in (retrieved or [])] + [it.query]
    else:
        raise ValueError(f"query mode {mode!r}: expected current_only, full_context or retrieval")
    text = separator.join(parts)
    return text[-max_chars:] if len(text) > max_chars else text
