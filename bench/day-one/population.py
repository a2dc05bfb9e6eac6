"""A deployment's population for the day-one simulation (bench/day-one/run.ts): seeded synthetic users built
from the persona families (training/personas.py) on the real MT-Bench answers, who share a population-level
taste.

The population's taste is a random mixture of two persona families, drawn per seed and averaged per MT-Bench
category (a population prefers models for kinds of questions, not for single answers). Every user rates by
w * population taste + (1 - w) * a family of their own (w uniform in [0.5, 0.9]), with the personas' strength,
leniency and label noise, the way the app gets ratings: 1-5 stars, thumbs, some pairwise votes (two rows).
The MT-Bench models are renamed (``model-a`` ...) with one neutral description, so the router sees a catalog
it never saw in training and only the ratings can tell the models apart.

Questions are split: the population rates the answers to 75 % of them; the new users' questions are the
rest. The population oracle of a held-out cell is the model with the highest mean expected rating over the
population's users. ``categoryTaste`` is that mean over the rated questions of each MT-Bench category: what
unlimited ratings would tell a router that knew each question's category. Returning users ("probes", members
of the same population) reveal ten star ratings of their own; their oracle is their own best model.

``/usr/bin/python3 bench/day-one/population.py --seed 0 > population.json``
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from training.personas import FAMILIES, SEEN_FAMILIES, UNSEEN_FAMILIES, Persona, _standardise, expected_rating, family_utility, load_cells, stars, thumbs_up, vote  # noqa: E402

PURE = SEEN_FAMILIES + UNSEEN_FAMILIES
DESCRIPTION = "A general-purpose assistant model served by this deployment."


def build(seed: int, n_users: int, events_per_user: int, n_probe_users: int, probe_ratings: int) -> dict:
    cells = load_cells()
    rng = np.random.default_rng([seed, 18])
    taste_parts = tuple(rng.choice([f for f in PURE if f != "loyal"], 2, replace=False).tolist())
    taste_w = float(rng.uniform(0.3, 0.7))
    mixed = taste_w * family_utility(cells, taste_parts[0], rng) + (1 - taste_w) * family_utility(cells, taste_parts[1], rng)
    # A population prefers models for kinds of questions, not single answers: the taste is averaged per MT-Bench category.
    category = np.array(cells.category)
    taste = _standardise(np.stack([mixed[category == category[c]].mean(axis=0) for c in range(len(cells.keys))]))
    qids = sorted({q for q, _ in cells.keys})
    held_out = set(rng.permutation(qids)[: round(0.25 * len(qids))].tolist())
    rated = np.array([c for c, (q, _) in enumerate(cells.keys) if q not in held_out])
    test = [c for c, (q, _) in enumerate(cells.keys) if q in held_out]
    M = len(cells.llms)
    def member(uid: str) -> Persona:
        own = str(rng.choice([f for f in FAMILIES if f != "mixture"]))
        w = float(rng.uniform(0.5, 0.9))
        utility = _standardise(w * taste + (1 - w) * family_utility(cells, own, rng))
        return Persona(id=uid, split="train", family=own, parts=(own,), strength=float(rng.uniform(0.6, 1.8)),
                       offset=float(rng.normal(0, 0.4)), noise=float(rng.uniform(0.0, 0.1)), utility=utility)

    users, events = [], []
    for u in range(n_users):
        p = member(f"user-{u}")
        users.append(p)
        for c in rng.choice(rated, events_per_user, replace=False).tolist():
            kind = rng.random()
            if kind < 0.15:
                a, b = rng.choice(M, 2, replace=False).tolist()
                r = vote(p, c, a, b, rng)
                events.append({"user": u, "cell": c, "model": a, "rating": r})
                events.append({"user": u, "cell": c, "model": b, "rating": 1.0 - r})
            else:
                m = int(rng.integers(M))
                r = (stars(p, c, m, rng) - 1) / 4 if kind < 0.7 else float(thumbs_up(p, c, m, rng))
                events.append({"user": u, "cell": c, "model": m, "rating": r})
    # users rate over time, interleaved: the first N events are what the deployment knows after N ratings
    order = rng.permutation(len(events))
    # Returning users: members of the same population who reveal `probe_ratings` star ratings of their own; the
    # bench routes them on the held-out questions and scores against their own best model.
    probes = []
    for u in range(n_probe_users):
        p = member(f"probe-{u}")
        history = [{"cell": c, "model": (m := int(rng.integers(M))), "rating": (stars(p, c, m, rng) - 1) / 4}
                   for c in rng.choice(rated, probe_ratings, replace=False).tolist()]
        probes.append({"history": history, "expected": [[round(float(x), 5) for x in expected_rating(p, c)] for c in test]})
    mean_rating = np.stack([np.stack([expected_rating(p, c) for c in range(len(cells.keys))]) for p in users]).mean(axis=0)
    rated_categories = sorted({cells.category[c] for c in rated})
    return {
        "seed": seed,
        "taste": {"families": list(taste_parts), "weight": round(taste_w, 3)},
        "models": [{"id": f"model-{chr(97 + m)}", "description": DESCRIPTION} for m in range(M)],
        "cells": [{"query": cells.query[c], "category": cells.category[c], "turn": cells.keys[c][1]} for c in range(len(cells.keys))],
        "events": [events[i] for i in order.tolist()],
        "test": [{"cell": c, "expected": [round(float(x), 5) for x in mean_rating[c]]} for c in test],
        # what unlimited ratings of the rated questions would say per category: the category reference's input
        "categoryTaste": {k: [round(float(x), 5) for x in mean_rating[rated[category[rated] == k]].mean(axis=0)] for k in rated_categories},
        "probes": probes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--users", type=int, default=300, help="population size")
    parser.add_argument("--events-per-user", type=int, default=12)
    parser.add_argument("--probe-users", type=int, default=60, help="returning users who reveal --probe-ratings ratings")
    parser.add_argument("--probe-ratings", type=int, default=10)
    args = parser.parse_args()
    # each user rates distinct questions' answers, out of about 120 rated question turns
    if not 1 <= args.events_per_user <= 100:
        parser.error(f"--events-per-user must be between 1 and 100, got {args.events_per_user}")
    json.dump(build(args.seed, args.users, args.events_per_user, args.probe_users, args.probe_ratings), sys.stdout)


if __name__ == "__main__":
    main()
