"""Splits an imported app dataset into a training set and a held-out set of each user's most recent data.

Run by lib/router/retrain.ts after ``python -m training import app``::

    /usr/bin/python3 -m training split-app --app app.dataset.json --train-out train.dataset.json \
        --holdout-out holdout.json [--holdout-fraction 0.2] [--mtbench data/mtbench-human]

A unit is a comparison group (with all its members) or an interaction in no group; per user, the newest
``floor(n * fraction)`` units are held out. Interactions of the same answer (its rating and its
``:cmp``/``:sib`` copies) always land on the same side, and a group with any held-out answer is held out
whole, so no held-out answer leaks into training.
``--mtbench`` adds the MT-Bench human judgments to the training set only (never to the held-out set:
the comparison is about this app's users).

holdout.json is read by lib/router/evaluate-versions.ts: the LLM catalog and, per held-out user, the
training-side history (what the router sees) plus the held-out pairs and single ratings to predict.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Dict, List, Optional, Set

from .data import Dataset, Group, Interaction
from .importers import import_mtbench_human


def answer_id(interaction_id: str) -> str:
    """`<turnId>`, `<turnId>:cmp` and `<turnId>:sib` are the same answer."""
    return interaction_id.split(":")[0]


def held_out_answers(ds: Dataset, fraction: float) -> Set[str]:
    by_id = ds.by_id()
    grouped = {iid for g in ds.groups for iid in g.interactions}
    units: Dict[str, List[tuple]] = {}
    for g in ds.groups:
        members = [by_id[i] for i in g.interactions]
        units.setdefault(g.user, []).append((max(m.created_at for m in members), [m.id for m in members]))
    for it in ds.interactions:
        if it.id not in grouped:
            units.setdefault(it.user, []).append((it.created_at, [it.id]))
    held: Set[str] = set()
    for user_units in units.values():
        user_units.sort(key=lambda u: u[0])
        k = math.floor(len(user_units) * fraction)
        newest = user_units[len(user_units) - k:] if k else []
        for _, ids in newest:
            held.update(answer_id(i) for i in ids)
    # A group with one held-out answer (e.g. a rated answer that was also voted on) is held out whole.
    while True:
        more = {answer_id(i) for g in ds.groups if any(answer_id(i) in held for i in g.interactions) for i in g.interactions} - held
        if not more:
            return held
        held |= more


def split(ds: Dataset, held: Set[str]):
    test_ids = {it.id for it in ds.interactions if answer_id(it.id) in held}
    train = Dataset(
        source=f"{ds.source}:train",
        llms=dict(ds.llms),
        interactions=[it for it in ds.interactions if it.id not in test_ids],
        groups=[g for g in ds.groups if not any(i in test_ids for i in g.interactions)],
    )
    test_groups = [g for g in ds.groups if all(i in test_ids for i in g.interactions)]
    return train.check("train split"), test_ids, test_groups


def history_item(it: Interaction) -> dict:
    return {
        "interactionId": it.id, "chatSessionId": it.session, "turnIndex": it.turn - 1, "queryText": it.query,
        "context": it.context, "modelId": it.llm, "rating": it.rating, "responseText": it.response, "createdAt": it.created_at,
    }


def holdout_doc(ds: Dataset, train: Dataset, test_ids: Set[str], test_groups: List[Group]) -> dict:
    by_id = ds.by_id()
    histories: Dict[str, List[dict]] = {}
    for it in train.interactions:
        histories.setdefault(it.user, []).append(history_item(it))
    users: Dict[str, dict] = {}

    def user(uid: str) -> dict:
        if uid not in users:
            users[uid] = {"userId": uid, "history": histories.get(uid, []), "pairs": [], "points": []}
        return users[uid]

    grouped = set()
    for g in test_groups:
        members = [by_id[i] for i in g.interactions]
        grouped.update(g.interactions)
        for a in members:
            for b in members:
                if a.rating > b.rating and a.llm != b.llm:
                    user(g.user)["pairs"].append({"query": a.query, "context": a.context, "better": a.llm, "worse": b.llm})
    for iid in sorted(test_ids - grouped):
        it = by_id[iid]
        if it.source in ("stars", "thumbs", "feedback"):
            user(it.user)["points"].append({"query": it.query, "context": it.context, "modelId": it.llm, "rating": it.rating})
    return {"llms": [{"id": k, "description": v} for k, v in ds.llms.items()], "users": list(users.values())}


def merge(a: Dataset, b: Dataset) -> Dataset:
    return Dataset(
        source=f"{a.source}+{b.source}", llms={**b.llms, **a.llms},
        interactions=a.interactions + b.interactions, groups=a.groups + b.groups,
    ).check("merged training set")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m training split-app", description=__doc__.split("\n")[0])
    p.add_argument("--app", required=True, type=Path, help="dataset written by `python -m training import app`")
    p.add_argument("--train-out", required=True, type=Path)
    p.add_argument("--holdout-out", required=True, type=Path)
    p.add_argument("--holdout-fraction", type=float, default=0.2)
    p.add_argument("--mtbench", type=Path, help="MT-Bench human folder to add to the training set")
    args = p.parse_args(argv)
    if not 0.0 <= args.holdout_fraction < 1.0:
        p.error(f"--holdout-fraction={args.holdout_fraction!r}: expected a value in [0, 1)")
    try:
        summary = write_split(args.app, args.train_out, args.holdout_out, args.holdout_fraction, args.mtbench)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(summary))
    return 0


def write_split(app: Path, train_out: Path, holdout_out: Path, fraction: float, mtbench: Optional[Path]) -> Dict[str, object]:
    """Writes the training dataset and holdout.json; returns their summary. ValueError: nothing to train on."""
    ds = Dataset.load(app)
    train, test_ids, test_groups = split(ds, held_out_answers(ds, fraction))
    holdout = holdout_doc(ds, train, test_ids, test_groups)
    if mtbench:
        train = merge(train, import_mtbench_human(mtbench))
    if not train.groups:
        raise ValueError("no comparison groups to train on: the app has no compare votes or rated regenerations yet (add MT-Bench data or collect votes)")
    train.save(train_out)
    holdout_out.write_text(json.dumps(holdout, ensure_ascii=False), encoding="utf-8")
    return {
        "train": train.summary(),
        "holdout": {"users": len(holdout["users"]), "pairs": sum(len(u["pairs"]) for u in holdout["users"]), "points": sum(len(u["points"]) for u in holdout["users"])},
    }


if __name__ == "__main__":
    sys.exit(main())
