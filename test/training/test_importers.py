"""Importers: good input imports into the internal format; bad input raises ValueError naming file, line, field."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from conftest import FIXTURES, MTBENCH, ROOT
from training.data import Dataset, build_query_text
from training.importers import import_app_export, import_gmtrouter_jsonl, import_mtbench_human


# ------------------------------------------------------------------------------------------ MT-Bench
def test_mtbench_counts_ratings_and_clusters(mtbench_ds):
    ds = mtbench_ds
    votes = [json.loads(l) for l in (MTBENCH / "votes.jsonl").read_text().splitlines() if l.strip()]
    assert len(ds.groups) == len(votes)
    assert len(ds.interactions) == 2 * len(votes)
    by_id = ds.by_id()
    n_tie = sum(v["winner"] == "tie" for v in votes)
    ratings = Counter(by_id[i].rating for g in ds.groups for i in g.interactions)
    assert ratings[0.5] == 2 * n_tie and ratings[1.0] == ratings[0.0] == len(votes) - n_tie
    for v, g in zip(votes, ds.groups):
        a, b = (by_id[i] for i in g.interactions)
        assert {a.llm, b.llm} == {v["model_a"], v["model_b"]} and a.user == v["judge"]
        if v["winner"] != "tie":
            winner = v[v["winner"]]
            assert (a.rating, b.rating) == ((1.0, 0.0) if a.llm == winner else (0.0, 1.0))
        assert a.turn == v["turn"] and a.query_id == f"q{v['question_id']}t{v['turn']}"
        assert len(a.context) == v["turn"] - 1


def test_mtbench_swap_is_seeded_and_balanced(mtbench_ds):
    ds0, ds0b, ds1 = (import_mtbench_human(MTBENCH, s) for s in (0, 0, 1))
    first = lambda ds: [ds.by_id()[g.interactions[0]].llm for g in ds.groups]  # noqa: E731
    votes = [json.loads(l) for l in (MTBENCH / "votes.jsonl").read_text().splitlines() if l.strip()]
    kept = [f == v["model_a"] for f, v in zip(first(ds0), votes)]
    assert first(ds0) == first(ds0b)  # deterministic
    assert first(ds0) != first(ds1)  # depends on the seed
    assert 0.45 < sum(kept) / len(kept) < 0.55  # about half swapped
    # position effect removed in turn 2: first-listed side wins about half of the non-tied votes
    t2 = [ds0.by_id()[g.interactions[0]] for g in ds0.groups if ds0.by_id()[g.interactions[0]].turn == 2]
    dec = [it for it in t2 if it.rating != 0.5]
    assert 0.4 < sum(it.rating for it in dec) / len(dec) < 0.6


def test_mtbench_turn2_shares_cluster_and_session_with_turn1(mtbench_ds):
    by_id = mtbench_ds.by_id()
    clusters = {}
    for g in mtbench_ds.groups:
        clusters.setdefault(g.cluster, []).append(by_id[g.interactions[0]].turn)
    multi = [t for t in clusters.values() if 2 in t]
    assert multi and all(1 in t for t in multi)  # every turn-2 vote has its turn-1 vote in the same cluster
    sessions = {}
    for it in mtbench_ds.interactions:
        sessions.setdefault(it.session, set()).add(it.turn)
    assert any(t == {1, 2} for t in sessions.values())


def test_mtbench_full_context_query_text(mtbench_ds):
    it = next(i for i in mtbench_ds.interactions if i.turn == 2)
    assert build_query_text(it, "current_only") == it.query
    assert build_query_text(it, "full_context") == it.context[0] + "\n\n" + it.query


def _broken_copy(tmp_path: Path, line_no: int, edit) -> Path:
    folder = tmp_path / "mtb"
    shutil.copytree(MTBENCH, folder, ignore=shutil.ignore_patterns("*.md"))
    p = folder / "votes.jsonl"
    lines = p.read_text().splitlines()
    lines[line_no - 1] = edit(lines[line_no - 1])
    p.write_text("\n".join(lines) + "\n")
    return folder


@pytest.mark.parametrize(
    "edit, field",
    [
        (lambda l: l.replace('"winner": "', '"winner": "x'), "winner"),
        (lambda l: l.replace('"model_a": "', '"model_a": "gpt-5-'), "model_a"),
        (lambda l: l.replace('"question_id": ', '"question_id": 9'), "question_id"),
        (lambda l: l.replace('"turn": 1', '"turn": "1"'), "turn"),
        (lambda l: l.replace('"judge": ', '"judgeX": '), "judge"),
    ],
)
def test_mtbench_bad_vote_names_file_line_field(tmp_path, edit, field):
    folder = _broken_copy(tmp_path, 3, edit)
    with pytest.raises(ValueError) as e:
        import_mtbench_human(folder)
    msg = str(e.value)
    assert "votes.jsonl:3" in msg and f"'{field}'" in msg, msg


def test_mtbench_bad_json_names_line(tmp_path):
    folder = _broken_copy(tmp_path, 5, lambda l: l[:-3])
    with pytest.raises(ValueError, match=r"votes\.jsonl:5: not valid JSON"):
        import_mtbench_human(folder)


# ------------------------------------------------------------------------------------ GMTRouter JSONL
def test_gmtrouter_jsonl_good():
    ds = import_gmtrouter_jsonl(FIXTURES / "gmtrouter-sample.jsonl", embedder_id="enc-x")
    assert ds.embedder == {"id": "enc-x", "dim": 4}
    assert len(ds.interactions) == 7 and [len(g.interactions) for g in ds.groups] == [2, 2, 3]
    r = {(it.user, it.llm, it.turn): it.rating for it in ds.interactions}
    assert r[("u1", "m-a", 1)] == 1.0 and r[("u1", "m-a", 2)] == 0.0  # min-max over the file (1..9)
    assert r[("u2", "m-b", 1)] == pytest.approx(0.75)
    t2 = next(it for it in ds.interactions if it.turn == 2)
    assert t2.context == ["q7 turn 1"] and t2.query == "q7 turn 2"
    assert ds.vectors["q7 turn 2"] == [0.5, 0.1, 0.0, 0.2] and ds.vectors["m-c"] == [0.0, 0.0, 1.0, 0.0]
    assert ds.groups[0].cluster == ds.groups[1].cluster  # turns of one judge+question stay together


@pytest.mark.parametrize(
    "mutate, field, line",
    [
        (lambda rs: rs[1]["conversation"][0].__setitem__("query_emb", [0.1, 0.2]), "query_emb", 2),
        (lambda rs: rs[2].__setitem__("turn", 3), "turn", 3),
        (lambda rs: rs[4].pop("model_emb"), "model_emb", 5),
        (lambda rs: rs[0]["conversation"][0].__setitem__("rating", "good"), "rating", 1),
    ],
)
def test_gmtrouter_jsonl_bad(tmp_path, mutate, field, line):
    rows = [json.loads(l) for l in (FIXTURES / "gmtrouter-sample.jsonl").read_text().splitlines()]
    mutate(rows)
    p = tmp_path / "bad.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with pytest.raises(ValueError) as e:
        import_gmtrouter_jsonl(p)
    assert f"bad.jsonl:{line}" in str(e.value) and f"'{field}'" in str(e.value), str(e.value)


# ---------------------------------------------------------------------------------------- app export
def test_app_export_good():
    ds = import_app_export(FIXTURES / "app-export-sample.jsonl")
    assert ds.summary()["users"] == 2 and len(ds.interactions) == 7 and len(ds.groups) == 2
    by_id = ds.by_id()
    assert by_id["m2"].turn == 2 and by_id["m2"].context == ["Write a haiku about rain."]
    assert by_id["m1"].session == by_id["m2"].session
    assert {by_id[i].rating for i in ds.groups[1].interactions} == {0.5}
    assert set(ds.llms) == {"gpt-4o-mini", "llama-3.1-8b", "mistral-small"}


def test_app_export_contract_example_imports(tmp_path):
    contract = json.loads((ROOT / "router-core" / "contract.json").read_text())
    section = contract["appExport"]
    assert section["format"] == "switchboard-app-export" and section["formatVersion"] == 1
    assert set(section["records"]) == {"header", "llm", "interaction", "comparison"}
    assert set(section["records"]["interaction"]["source"].replace(" ", "").split("of")[1].split("|")) == {
        "stars", "thumbs", "feedback", "compare", "sibling"}
    p = tmp_path / section["file"]
    p.write_text("\n".join(json.dumps(r) for r in section["example"]) + "\n")
    ds = import_app_export(p)
    assert len(ds.interactions) == 1


def _app_lines():
    return [json.loads(l) for l in (FIXTURES / "app-export-sample.jsonl").read_text().splitlines()]


@pytest.mark.parametrize(
    "mutate, field, line",
    [
        (lambda rs: rs[4].__setitem__("rating", 1.5), "rating", 5),
        (lambda rs: rs[4].__setitem__("modelId", "gpt-9"), "modelId", 5),
        (lambda rs: rs[4].__setitem__("source", "like"), "source", 5),
        (lambda rs: rs[5].__setitem__("turnIndex", -1), "turnIndex", 6),
        (lambda rs: rs[5].pop("userId"), "userId", 6),
        (lambda rs: rs[11].__setitem__("winner", "llama-3.1-8b"), "winner", 12),
        (lambda rs: rs[11].__setitem__("interactionIds", ["m3", "m99"]), "interactionIds", 12),
        (lambda rs: rs[12].__setitem__("interactionIds", ["m5", "m7"]), "interactionIds", 13),
        (lambda rs: rs[0].__setitem__("formatVersion", 2), "formatVersion", 1),
        (lambda rs: rs.insert(0, rs.pop(1)), "type", 1),
        (lambda rs: rs[2].__setitem__("description", " "), "description", 3),
    ],
)
def test_app_export_bad(tmp_path, mutate, field, line):
    rows = _app_lines()
    mutate(rows)
    p = tmp_path / "export.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with pytest.raises(ValueError) as e:
        import_app_export(p)
    assert f"export.jsonl:{line}" in str(e.value) and f"'{field}'" in str(e.value), str(e.value)


def test_dataset_roundtrip(tmp_path):
    ds = import_app_export(FIXTURES / "app-export-sample.jsonl")
    ds.save(tmp_path / "x.dataset.json")
    back = Dataset.load(tmp_path / "x.dataset.json")
    assert back.interactions == ds.interactions and back.groups == ds.groups and back.llms == ds.llms
    (tmp_path / "bad.dataset.json").write_text('{"format": "other"}')
    with pytest.raises(ValueError, match="bad.dataset.json: field 'format'"):
        Dataset.load(tmp_path / "bad.dataset.json")
