"""The persona benchmark generator and the training recipe that mixes it in."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from training.personas import SEEN_FAMILIES, UNSEEN_FAMILIES, generate, load_cells, training_dataset


@pytest.fixture(scope="module")
def bench():
    return generate(seed=3, n_train=40, n_val=10, n_test=30)


def test_cells_have_six_answers_and_standardised_features():
    cells = load_cells()
    assert len(cells.llms) == 6 and len(cells.keys) > 140
    assert all(len(row) == 6 and all(isinstance(a, str) for a in row) for row in cells.answer)
    for name, f in cells.features.items():
        assert f.shape == (len(cells.keys), 6)
        assert abs(f.mean()) < 1e-6 and abs(f.std() - 1) < 1e-6, name
    # the human-majority judgement ranks gpt-4 above llama-13b, and llama-13b's answers are not the shortest
    q = cells.features["quality"].mean(axis=0)
    assert q[cells.llms.index("gpt-4")] > q[cells.llms.index("llama-13b")]


def test_generation_is_seeded(bench):
    again = generate(seed=3, n_train=40, n_val=10, n_test=30)
    assert [(it.id, it.rating) for it in again.dataset.interactions] == [(it.id, it.rating) for it in bench.dataset.interactions]
    other = generate(seed=4, n_train=40, n_val=10, n_test=30)
    assert [it.rating for it in other.dataset.interactions] != [it.rating for it in bench.dataset.interactions]


def test_splits_questions_and_families_are_kept_apart(bench):
    split_of = {p.id: p.split for p in bench.users}
    qsplit = bench.question_split
    for it in bench.dataset.interactions:  # every revealed event and probe is on a training question
        assert qsplit[int(it.query_id[1:].split("t")[0])] == "train"
    for uid, t in bench.targets.items():  # val/test users are judged on their own split's questions
        assert {qsplit[bench.cells.keys[int(c)][0]] for c in t[:, 0]} == {split_of[uid]}
        assert set(np.unique(t[:, 3])) <= {0.0, 1.0}
    unseen = [p for p in bench.users if p.family in UNSEEN_FAMILIES or any(x in UNSEEN_FAMILIES for x in p.parts)]
    assert unseen and all(p.split == "test" for p in unseen)
    assert {p.family for p in bench.users if p.split == "train"} == set(SEEN_FAMILIES) | {"mixture"}
    # probes are training targets of training users only
    probe_users = {g.user for g in bench.dataset.groups if g.target_only}
    assert probe_users == {p.id for p in bench.users if p.split == "train"}


def test_history_comes_the_way_the_app_gets_it(bench):
    sources = Counter(it.source for it in bench.dataset.interactions if not it.id.split(":")[1].startswith("p"))
    assert set(sources) == {"stars", "thumbs", "compare"}
    assert sources["stars"] > sources["thumbs"] > 0 and sources["compare"] > 0
    for it in bench.dataset.interactions:
        if it.source == "stars":
            assert it.rating in (0.0, 0.25, 0.5, 0.75, 1.0)
        if it.source == "thumbs":
            assert it.rating in (0.0, 1.0)


def test_personas_rate_by_their_taste(bench):
    """A brief persona's ratings favour short answers; a quality persona's the human-preferred ones."""
    by_user = {}
    for it in bench.dataset.interactions:
        if it.source == "stars":
            by_user.setdefault(it.user, []).append((len(it.response), it.rating))
    brief = [p.id for p in bench.users if p.family == "brief"]
    corr = [np.corrcoef(np.log1p([x for x, _ in by_user[u]]), [r for _, r in by_user[u]])[0, 1] for u in brief]
    assert np.mean(corr) < -0.3


def test_import_personas_cli_writes_the_training_users(tmp_path):
    from training.importers import main

    out = tmp_path / "p.dataset.json"
    assert main(["personas", "--out", str(out), "--users", "8", "--no-embed"]) == 0
    doc = json.loads(out.read_text())
    assert {i["user"] for i in doc["interactions"]} == {f"persona-train-{i:04d}" for i in range(8)}
    with pytest.raises(SystemExit):
        main(["personas", "--out", str(out), "--splits", "nope", "--no-embed"])


def test_recipe_trains_on_training_personas_only_and_selects_on_validation_users():
    """The shipped recipe, small: test users never enter training; selection reads persona validation users."""
    from training.config import apply_overrides, get_preset
    from training.importers import import_mtbench_human
    from training.recipe import fit

    cfg = apply_overrides(get_preset("tiny"), ["data.personas=30", "train.epochs=4", "train.eval_every=2", "train.progress=false"])
    base = import_mtbench_human()
    model, info, m = fit(base, cfg)
    T = m.T
    test_users = {T.users.index(p.id) for p in m.bench.users if p.split != "train"}
    trained = np.concatenate([np.concatenate([T.groups[g] for g in m.persona_groups]), m.persona_singles])
    assert not np.isin(T.it_user[trained], list(test_users)).any()
    # the base dataset keeps its indices in the mixed tensors
    assert [T.ds.interactions[i].id for i in range(len(base.interactions))] == [it.id for it in base.interactions]
    assert 0 < info["valAuc"] < 1 and info["bestEpoch"] in (2, 4)


def test_training_dataset_keeps_only_the_chosen_splits(bench):
    ds = training_dataset(bench, ["val"])
    assert {it.user for it in ds.interactions} == {p.id for p in bench.users if p.split == "val"}
    ds.check()


def test_judge_like_users_train_only_and_leave_the_benchmark_as_it_was(bench):
    """data.persona_judge_like adds training users who vote like the MT-Bench judges (the population's quality,
    weakly and noisily); the validation and test users, their histories and targets stay the same."""
    more = generate(seed=3, n_train=40, n_val=10, n_test=30, n_judge_like=6)
    judges = [p for p in more.users if p.family == "judge-like"]
    assert len(judges) == 6 and {p.split for p in judges} == {"train"}
    assert [p.id for p in more.users if p.family != "judge-like"] == [p.id for p in bench.users]
    for p in bench.users:
        assert more.events[p.id] == bench.events[p.id]
        if p.split != "train":
            assert np.array_equal(more.targets[p.id], bench.targets[p.id])
    sources = Counter(it.source for it in more.dataset.interactions if it.user in {p.id for p in judges})
    history = sources["compare"] / 2 + sources["stars"] + sources["thumbs"]
    assert sources["compare"] / 2 > 0.6 * history  # mostly pairwise votes, as the judges gave
    assert all(0.15 <= p.noise <= 0.3 and p.strength <= 0.8 for p in judges)


def test_extra_training_users_leave_the_benchmark_as_it_was(bench):
    """data.persona_extra adds training users of the seen families from their own generator: the validation and test
    users, their histories and targets stay the same, so runs with and without them are paired."""
    more = generate(seed=3, n_train=40, n_val=10, n_test=30, n_extra_train=12)
    extra = [p for p in more.users if p.id.startswith("persona-train-x")]
    assert len(extra) == 12 and {p.split for p in extra} == {"train"}
    assert {p.family for p in extra} <= set(SEEN_FAMILIES) | {"mixture"}
    assert [p.id for p in more.users if not p.id.startswith("persona-train-x")] == [p.id for p in bench.users]
    for p in bench.users:
        assert more.events[p.id] == bench.events[p.id]
        if p.split != "train":
            assert np.array_equal(more.targets[p.id], bench.targets[p.id])
