"""Synthetic users ("personas") built on the real MT-Bench answers: the per-user signal the router must learn
to read, in the spirit of the multi-user data of GMTRouter and PersonalizedRouter.

Every answer cell (MT-Bench question, turn, model) gets measured features of its real text and of the human
votes on it; a persona family turns them into a utility U[q, m] (higher is better), standardised over all
cells so that families have comparable scales:

- ``quality``: the human-majority judgement (per-cell win rate of the human votes, shrunk to the model's
  overall win rate);
- ``brief``: shorter wins (minus log characters);
- ``cost``: p * quality - (1 - p) * log price of the answer (``PRICES``, USD per 1M output tokens, times the
  answer's tokens), p per user;
- ``loyal``: one model, chosen per user, plus a little quality;
- ``rich``: rare-word rate (share of words outside the answers' 2,000 most frequent);
- ``structured``: lists, headings and code blocks;
- ``mixture``: w * A + (1 - w) * B of two families with a random weight.

A user draws a family, a strength (how far ratings follow the utility), a leniency offset and a label-noise
rate, and rates answers the way the app gets ratings: mostly single answers with 1-5 stars or thumbs, some
pairwise votes (compare mode), each on a different question, the answering model drawn uniformly. The family
``rich`` (and every mixture that contains it) is never given to training or validation users: the benchmark
also judges the router on a taste it never saw.

Splits are by user and by question: training users rate (and are probed on) the training questions;
validation and test users reveal history on the training questions and are judged on pairs of answers to
their own split's questions, labelled by the persona's noisy vote. Training users also carry ``target_only``
probe groups (all models' answers to a question, rated by the persona's expected stars): full-ranking
targets for training, never shown as history.

Everything is a pure function of (MT-Bench folder, seed): ``python -m training import personas`` writes the
training users as a dataset file, and the evaluation regenerates the same users.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np

from .catalog import MTBENCH_LLMS
from .data import Dataset, Group, Interaction
from .importers import MTBENCH_DIR, read_jsonl

SEEN_FAMILIES = ("quality", "brief", "cost", "loyal", "structured")
UNSEEN_FAMILIES = ("rich",)
FAMILIES = SEEN_FAMILIES + UNSEEN_FAMILIES + ("mixture",)
# Output price in USD per 1M tokens (2023 list prices; open 13B models at a typical hosted rate).
PRICES = {"gpt-4": 60.0, "claude-v1": 32.7, "gpt-3.5-turbo": 2.0, "vicuna-13b-v1.2": 0.6, "alpaca-13b": 0.6, "llama-13b": 0.6}
STRUCTURE_LINE = re.compile(r"^\s*(?:[-*+]\s|\d+[.)]\s|#{1,6}\s)")
WORD = re.compile(r"[a-z]+")


@dataclass
class Cells:
    """The answer cells: query c (a question's turn) answered by every model."""

    llms: List[str]
    keys: List[Tuple[int, int]]  # (question id, turn)
    query: List[str]
    context: List[List[str]]
    category: List[str]
    answer: List[List[str]]  # [c][m]
    features: Dict[str, np.ndarray]  # name -> [C, M], standardised over all cells


@dataclass
class Persona:
    id: str
    split: str  # train | val | test
    family: str  # a FAMILIES name, or "judge-like" (training-only users, generate(n_judge_like)); mixtures list their parts
    parts: Tuple[str, ...]
    strength: float
    offset: float
    noise: float
    utility: np.ndarray  # [C, M]


@dataclass
class PersonaBench:
    cells: Cells
    users: List[Persona]
    dataset: Dataset  # every user's revealed events (and the training users' probes)
    question_split: Dict[int, str]
    events: Dict[str, List[List[str]]] = field(default_factory=dict)  # user -> events, each a list of interaction ids
    targets: Dict[str, np.ndarray] = field(default_factory=dict)  # val/test user -> [n, 4] (cell, model a, model b, label)


def _standardise(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / max(float(x.std()), 1e-9)


def load_cells(folder: Path = MTBENCH_DIR) -> Cells:
    """Every (question, turn) whose six answers all exist, with the answer features."""
    folder = Path(folder)
    llms = sorted(MTBENCH_LLMS)
    questions = {q["question_id"]: q for _, q in read_jsonl(folder / "questions.jsonl")}
    answers = {(a["question_id"], a["model"]): a["turns"] for _, a in read_jsonl(folder / "answers.jsonl")}
    keys = [(qid, t) for qid in sorted(questions) for t in (1, 2)
            if all(answers.get((qid, m)) and len(answers[(qid, m)]) >= t and answers[(qid, m)][t - 1] is not None for m in llms)]
    pos = {k: i for i, k in enumerate(keys)}
    M = len(llms)
    # quality: per-cell human win rate (tie = 1/2), shrunk with 2 pseudo-votes to the model's overall win rate
    score, count = np.zeros((len(keys), M)), np.zeros((len(keys), M))
    overall_s, overall_n = np.zeros(M), np.zeros(M)
    for _, v in read_jsonl(folder / "votes.jsonl"):
        c = pos.get((v["question_id"], v["turn"]))
        a, b = llms.index(v["model_a"]), llms.index(v["model_b"])
        sa = {"model_a": 1.0, "model_b": 0.0, "tie": 0.5}[v["winner"]]
        for m, s in ((a, sa), (b, 1.0 - sa)):
            overall_s[m] += s
            overall_n[m] += 1
            if c is not None:
                score[c, m] += s
                count[c, m] += 1
    prior = overall_s / np.maximum(overall_n, 1)
    quality = (score + 2 * prior) / (count + 2)
    texts = [[answers[(qid, m)][t - 1] for m in llms] for qid, t in keys]
    chars = np.array([[len(a) for a in row] for row in texts], dtype=np.float64)
    words = [[WORD.findall(a.lower()) for a in row] for row in texts]
    freq = Counter(w for row in words for ws in row for w in ws)
    common = {w for w, _ in freq.most_common(2000)}
    rare = np.array([[sum(w not in common for w in ws) / max(len(ws), 1) for ws in row] for row in words])
    structure = np.array([[sum(bool(STRUCTURE_LINE.match(line)) for line in a.splitlines()) + a.count("```") for a in row] for row in texts], dtype=np.float64)
    price = np.array([PRICES[m] for m in llms])
    cost = np.log((chars / 4 + 1) * price[None, :] / 1e6)
    features = {
        "quality": _standardise(quality),
        "brief": _standardise(-np.log1p(chars)),
        "cost": _standardise(-cost),
        "rich": _standardise(rare),
        "structured": _standardise(np.log1p(structure)),
    }
    return Cells(
        llms=llms, keys=keys, query=[questions[q]["turns"][t - 1] for q, t in keys],
        context=[list(questions[q]["turns"][: t - 1]) for q, t in keys], category=[questions[q]["category"] for q, _ in keys],
        answer=texts, features=features,
    )


def family_utility(cells: Cells, family: str, rng: np.random.Generator) -> np.ndarray:
    """U[c, m] of one user of a pure family (parameters drawn from ``rng``)."""
    f = cells.features
    if family == "cost":
        p = rng.uniform(0.2, 0.6)
        return _standardise(p * f["quality"] + (1 - p) * f["cost"])
    if family == "loyal":
        favourite = rng.integers(len(cells.llms))
        onehot = np.zeros(len(cells.llms))
        onehot[favourite] = 1.0
        return _standardise(2.0 * onehot[None, :] + 0.3 * f["quality"])
    return f[family]


def make_persona(cells: Cells, uid: str, split: str, family: str, rng: np.random.Generator, families: Sequence[str]) -> Persona:
    if family == "mixture":
        parts = tuple(rng.choice(list(families), 2, replace=False))
        w = rng.uniform(0.25, 0.75)
        utility = _standardise(w * family_utility(cells, parts[0], rng) + (1 - w) * family_utility(cells, parts[1], rng))
    else:
        parts = (family,)
        utility = family_utility(cells, family, rng)
    return Persona(id=uid, split=split, family=family, parts=parts, strength=float(rng.uniform(0.6, 1.8)),
                   offset=float(rng.normal(0, 0.4)), noise=float(rng.uniform(0.0, 0.1)), utility=utility)


def stars(p: Persona, c: int, m: int, rng: np.random.Generator) -> int:
    """1-5 stars: round(3 + offset + strength * U + N(0, 0.5)), replaced by a uniform star with prob. noise."""
    if rng.random() < p.noise:
        return int(rng.integers(1, 6))
    return int(np.clip(np.rint(3 + p.offset + p.strength * p.utility[c, m] + rng.normal(0, 0.5)), 1, 5))


def thumbs_up(p: Persona, c: int, m: int, rng: np.random.Generator) -> bool:
    up = p.offset + 1.5 * p.strength * p.utility[c, m] + rng.logistic() > 0
    return bool(up) != bool(rng.random() < p.noise)


def vote(p: Persona, c: int, a: int, b: int, rng: np.random.Generator) -> float:
    """1 if a wins, 0 if b wins, 0.5 for a tie (likely only when the two answers are close)."""
    d = p.utility[c, a] - p.utility[c, b]
    if abs(d) < 0.15 and rng.random() < 0.3:
        return 0.5
    win = rng.random() < 1 / (1 + math.exp(-2.5 * p.strength * d))
    return float(win != (rng.random() < p.noise))


def expected_rating(p: Persona, c: int) -> np.ndarray:
    """The persona's noise-free rating of every model's answer to cell c, in (0, 1): its order is the
    persona's true preference (probe targets)."""
    return 1 / (1 + np.exp(-(p.offset + p.strength * p.utility[c])))


def _interaction(cells: Cells, p: Persona, c: int, m: int, iid: str, rating: float, source: str) -> Interaction:
    qid, turn = cells.keys[c]
    return Interaction(
        id=iid, user=p.id, session=f"{iid}|s", turn=turn, query=cells.query[c], context=list(cells.context[c]),
        llm=cells.llms[m], rating=float(rating), response=cells.answer[c][m], source=source,
        category=cells.category[c], query_id=f"q{qid}t{turn}",
    )


def generate(folder: Path = MTBENCH_DIR, seed: int = 0, n_train: int = 400, n_val: int = 60, n_test: int = 150,
             events_per_user: int = 40, probes_per_user: int = 16, targets_per_user: int = 8, n_judge_like: int = 0,
             n_extra_train: int = 0) -> PersonaBench:
    """The whole persona benchmark for one seed (see the module docstring)."""
    cells = load_cells(folder)
    rng = np.random.default_rng(seed)
    qids = sorted({q for q, _ in cells.keys})
    order = rng.permutation(qids)
    n_val_q, n_test_q = round(0.125 * len(qids)), round(0.25 * len(qids))
    question_split = {int(q): ("val" if i < n_val_q else "test" if i < n_val_q + n_test_q else "train") for i, q in enumerate(order)}
    by_split = {s: np.array([c for c, (q, _) in enumerate(cells.keys) if question_split[q] == s]) for s in ("train", "val", "test")}
    users: List[Persona] = []
    for split, n in (("train", n_train), ("val", n_val), ("test", n_test)):
        families = SEEN_FAMILIES if split != "test" else SEEN_FAMILIES + UNSEEN_FAMILIES
        pure = list(families)
        for i in range(n):
            # one user in five is a mixture; the rest cycle through the pure families
            family = "mixture" if i % 5 == 4 else pure[(i - i // 5) % len(pure)]
            users.append(make_persona(cells, f"persona-{split}-{i:04d}", split, family, rng, families))
    interactions: List[Interaction] = []
    groups: List[Group] = []
    bench = PersonaBench(cells=cells, users=users, dataset=Dataset(source=f"personas-seed{seed}", llms=dict(MTBENCH_LLMS), interactions=interactions, groups=groups), question_split=question_split)
    for p in users:
        _add_user_data(bench, p, rng, by_split, events_per_user, probes_per_user if p.split == "train" else 0, targets_per_user)
    # Training-only users who rate like the MT-Bench judges: the population's quality, weakly and noisily, mostly
    # in pairwise votes. Drawn from their own generator, after everyone else, so the benchmark is the same.
    judge_rng = np.random.default_rng([seed, 1])
    for i in range(n_judge_like):
        p = Persona(id=f"persona-train-judge-{i:04d}", split="train", family="judge-like", parts=("quality",),
                    strength=float(judge_rng.uniform(0.3, 0.8)), offset=float(judge_rng.normal(0, 0.4)),
                    noise=float(judge_rng.uniform(0.15, 0.3)), utility=cells.features["quality"])
        users.append(p)
        _add_user_data(bench, p, judge_rng, by_split, events_per_user, probes_per_user, 0, kinds=(0.8, 0.9))
    # More training users of the seen families, from a third generator: more of them without changing the benchmark.
    extra_rng = np.random.default_rng([seed, 2])
    for i in range(n_extra_train):
        family = "mixture" if i % 5 == 4 else SEEN_FAMILIES[(i - i // 5) % len(SEEN_FAMILIES)]
        p = make_persona(cells, f"persona-train-x{i:04d}", "train", family, extra_rng, SEEN_FAMILIES)
        users.append(p)
        _add_user_data(bench, p, extra_rng, by_split, events_per_user, probes_per_user, 0)
    bench.dataset.check(f"personas seed {seed}")
    return bench


def _add_user_data(bench: PersonaBench, p: Persona, rng: np.random.Generator, by_split: Dict[str, np.ndarray], events_per_user: int,
                   n_probe: int, targets_per_user: int, kinds: Tuple[float, float] = (0.15, 0.7)) -> None:
    """One user's history events (a uniform draw below kinds[0]: a pairwise vote, below kinds[1]: stars, else
    thumbs), probe groups (training users) and held-out target votes (validation and test users)."""
    cells, interactions, groups = bench.cells, bench.dataset.interactions, bench.dataset.groups
    M = len(cells.llms)
    chosen = rng.choice(by_split["train"], events_per_user + n_probe, replace=False)
    events: List[List[str]] = []
    for j, c in enumerate(chosen[:events_per_user].tolist()):
        kind = rng.random()
        base = f"{p.id}:e{j}"
        if kind < kinds[0]:
            a, b = rng.choice(M, 2, replace=False).tolist()
            r = vote(p, c, a, b, rng)
            ids = [f"{base}:a", f"{base}:b"]
            interactions.append(_interaction(cells, p, c, a, ids[0], r, "compare"))
            interactions.append(_interaction(cells, p, c, b, ids[1], 1.0 - r, "compare"))
            groups.append(Group(id=base, user=p.id, interactions=ids, cluster=base))
        else:
            m = int(rng.integers(M))
            if kind < kinds[1]:
                r, source = (stars(p, c, m, rng) - 1) / 4, "stars"
            else:
                r, source = float(thumbs_up(p, c, m, rng)), "thumbs"
            ids = [base]
            interactions.append(_interaction(cells, p, c, m, base, r, source))
        events.append(ids)
    bench.events[p.id] = events
    for j, c in enumerate(chosen[events_per_user:].tolist()):
        base = f"{p.id}:p{j}"
        ids = [f"{base}:{m}" for m in range(M)]
        for m, r in enumerate(expected_rating(p, c).tolist()):
            interactions.append(_interaction(cells, p, c, m, ids[m], r, "persona"))
        groups.append(Group(id=base, user=p.id, interactions=ids, cluster=base, target_only=True))
    if p.split != "train":
        rows = []
        for c in rng.choice(by_split[p.split], targets_per_user, replace=False).tolist():
            for a, b in combinations(range(M), 2):
                y = vote(p, c, a, b, rng)
                if y != 0.5:
                    rows.append((c, a, b, y))
        bench.targets[p.id] = np.array(rows, dtype=np.float64)


def training_dataset(bench: PersonaBench, splits: Sequence[str] = ("train",)) -> Dataset:
    """The users of ``splits`` (their events and probes) as one dataset."""
    keep = {p.id for p in bench.users if p.split in splits}
    ds = bench.dataset
    return Dataset(
        source=ds.source, llms=dict(ds.llms), interactions=[it for it in ds.interactions if it.user in keep],
        groups=[g for g in ds.groups if g.user in keep],
    )


def merge(a: Dataset, b: Dataset) -> Dataset:
    """One dataset of two with disjoint users; LLM descriptions must agree."""
    for m in set(a.llms) & set(b.llms):
        if a.llms[m] != b.llms[m]:
            raise ValueError(f"LLM {m!r} has two descriptions")
    if {it.user for it in a.interactions} & {it.user for it in b.interactions}:
        raise ValueError("the datasets share users")
    return Dataset(source=f"{a.source}+{b.source}", llms={**a.llms, **b.llms}, interactions=a.interactions + b.interactions,
                   groups=a.groups + b.groups, vectors={**a.vectors, **b.vectors}).check("merged dataset")


def family_of(bench: PersonaBench) -> Dict[str, str]:
    """user id -> the family name used in reports (mixtures that contain an unseen family are 'mixture*')."""
    out = {}
    for p in bench.users:
        unseen = p.family == "mixture" and any(x in UNSEEN_FAMILIES for x in p.parts)
        out[p.id] = "mixture*" if unseen else p.family
    return out


def describe(bench: PersonaBench) -> Dict[str, object]:
    counts = Counter((p.split, p.family) for p in bench.users)
    sources = Counter(it.source for it in bench.dataset.interactions)
    return {"users": {f"{s}/{f}": n for (s, f), n in sorted(counts.items())}, "cells": len(bench.cells.keys),
            "questions": Counter(bench.question_split.values()), "interactions": dict(sources),
            "targetPairs": int(sum(len(t) for t in bench.targets.values()))}


def persona_lookup(bench: PersonaBench) -> Dict[str, Persona]:
    return {p.id: p for p in bench.users}
