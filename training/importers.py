"""Importers from external formats into :class:`training.data.Dataset`.

Every error names the file, the 1-based line and the field, e.g.
``votes.jsonl:17: field 'winner': 'model_c' not one of ['model_a', 'model_b', 'tie']``.

- :func:`import_mtbench_human`: LMSYS MT-Bench human judgments (votes/questions/answers JSONL).
- :func:`import_gmtrouter_jsonl`: the GMTRouter reference JSONL (records carry their own embeddings).
- :func:`import_app_export`: the app's export (router-core/contract.json "appExport").
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

from .catalog import MTBENCH_LLMS
from .data import Dataset, Group, Interaction

APP_SOURCES = ("stars", "thumbs", "feedback", "compare", "sibling")
APP_FORMAT = "switchboard-app-export"


def read_jsonl(path: Path) -> Iterator[Tuple[int, Dict[str, Any]]]:
    """Yields (line number, object) for each non-blank line; bad JSON raises naming file and line."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path}: file not found")
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{n}: not valid JSON ({e.msg})") from None
            if not isinstance(obj, dict):
                raise ValueError(f"{path}:{n}: expected a JSON object, got {type(obj).__name__}")
            yield n, obj


def _field(obj: Dict[str, Any], name: str, types, where: str, optional: bool = False):
    if name not in obj or obj[name] is None:
        if optional:
            return None
        raise ValueError(f"{where}: field '{name}': missing")
    v = obj[name]
    if isinstance(v, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise ValueError(f"{where}: field '{name}': expected {types}, got {v!r}")
    if not isinstance(v, types):
        raise ValueError(f"{where}: field '{name}': expected {getattr(types, '__name__', types)}, got {v!r}")
    return v


def _rating(obj: Dict[str, Any], name: str, where: str) -> float:
    v = _field(obj, name, (int, float), where)
    if not math.isfinite(v) or not 0.0 <= float(v) <= 1.0:
        raise ValueError(f"{where}: field '{name}': {v!r} not in [0,1]")
    return float(v)


# --------------------------------------------------------------------------------------------- MT-Bench
# The MT-Bench human judgments shipped with the repository (CC-BY-4.0, see data/mtbench-human/SOURCES.md).
MTBENCH_DIR = Path(__file__).resolve().parents[1] / "data" / "mtbench-human"


def import_mtbench_human(folder: Path = MTBENCH_DIR, swap_seed: int = 0) -> Dataset:
    """Each vote becomes a comparison group of two interactions: winner 1, loser 0, tie 0.5 each.

    A/B is swapped per vote with a seeded coin (SOURCES.md caveat 2). Turn-1 and turn-2 votes of the same
    judge, question and model pair share a ``cluster`` so splits keep them together (caveat 7); the
    turn-2 interaction of a model follows its turn-1 interaction in the same session (chain edge).
    """
    folder = Path(folder)
    if not (folder / "votes.jsonl").is_file():
        raise ValueError(f"--mtbench {folder}: MT-Bench human data not found (expected votes.jsonl, questions.jsonl and answers.jsonl there)")
    qpath, apath, vpath = folder / "questions.jsonl", folder / "answers.jsonl", folder / "votes.jsonl"
    questions: Dict[int, Tuple[str, List[str]]] = {}
    for n, q in read_jsonl(qpath):
        where = f"{qpath}:{n}"
        qid = _field(q, "question_id", int, where)
        turns = _field(q, "turns", list, where)
        if not turns or not all(isinstance(t, str) for t in turns):
            raise ValueError(f"{where}: field 'turns': expected a non-empty list of strings")
        questions[qid] = (_field(q, "category", str, where), turns)
    answers: Dict[Tuple[int, str], List[Optional[str]]] = {}
    for n, a in read_jsonl(apath):
        where = f"{apath}:{n}"
        key = (_field(a, "question_id", int, where), _field(a, "model", str, where))
        answers[key] = _field(a, "turns", list, where)

    interactions: List[Interaction] = []
    groups: List[Group] = []
    for n, v in read_jsonl(vpath):
        where = f"{vpath}:{n}"
        vote_id = _field(v, "vote_id", str, where)
        judge = _field(v, "judge", str, where)
        qid = _field(v, "question_id", int, where)
        turn = _field(v, "turn", int, where)
        ma, mb = _field(v, "model_a", str, where), _field(v, "model_b", str, where)
        winner = _field(v, "winner", str, where)
        if qid not in questions:
            raise ValueError(f"{where}: field 'question_id': {qid!r} not in {qpath.name}")
        category, qturns = questions[qid]
        if turn < 1 or turn > len(qturns):
            raise ValueError(f"{where}: field 'turn': {turn!r} not in 1..{len(qturns)}")
        for name, m in (("model_a", ma), ("model_b", mb)):
            if m not in MTBENCH_LLMS:
                raise ValueError(f"{where}: field '{name}': unknown model {m!r} (no catalog description)")
        if ma == mb:
            raise ValueError(f"{where}: field 'model_b': same model as model_a ({ma!r})")
        if winner not in ("model_a", "model_b", "tie"):
            raise ValueError(f"{where}: field 'winner': {winner!r} not one of ['model_a', 'model_b', 'tie']")
        ra = {"model_a": 1.0, "model_b": 0.0, "tie": 0.5}[winner]
        pair = [(ma, ra), (mb, 1.0 - ra)]
        if random.Random(f"{swap_seed}:{vote_id}").random() < 0.5:
            pair.reverse()
        cluster = f"{judge}|q{qid}|{'~'.join(sorted((ma, mb)))}"
        ids = []
        for m, r in pair:
            ans = answers.get((qid, m))
            if ans is None or len(ans) < turn or ans[turn - 1] is None:
                raise ValueError(f"{where}: field 'model_a/model_b': no answer text for q{qid} {m} turn {turn} in {apath.name}")
            iid = f"{vote_id}:{m}"
            interactions.append(
                Interaction(
                    id=iid, user=judge, session=f"{cluster}|{m}", turn=turn, query=qturns[turn - 1],
                    context=list(qturns[: turn - 1]), llm=m, rating=r, response=ans[turn - 1],
                    source="mtbench", category=category, query_id=f"q{qid}t{turn}",
                )
            )
            ids.append(iid)
        groups.append(Group(id=vote_id, user=judge, interactions=ids, cluster=cluster))
    if not groups:
        raise ValueError(f"{vpath}: no votes")
    return Dataset(source="mtbench-human", llms=dict(MTBENCH_LLMS), interactions=interactions, groups=groups).check(str(vpath))


# ------------------------------------------------------------------------------------- GMTRouter JSONL
def import_gmtrouter_jsonl(path: Path, embedder_id: str = "gmtrouter-jsonl") -> Dataset:
    """GMTRouter reference JSONL: one record per (judge, question_id, turn, model).

    ``conversation[turn-1]`` is the rated step, earlier steps give the context; consecutive records with
    the same (question_id, turn, judge) form a comparison group; ratings are min-max normalised over the
    file. The records carry their own vectors (``query_emb``, ``model_emb``) from an encoder we cannot run,
    so the dataset is tagged with ``embedder_id`` and a model trained on it only serves with that encoder;
    the LLM "description" is the model name (its vector is ``model_emb``).
    """
    path = Path(path)
    rows = []
    dim: Optional[int] = None
    vectors: Dict[str, List[float]] = {}

    def vec(obj, name, where):
        nonlocal dim
        v = _field(obj, name, list, where)
        if not v or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
            raise ValueError(f"{where}: field '{name}': expected a non-empty list of numbers")
        if dim is None:
            dim = len(v)
        elif len(v) != dim:
            raise ValueError(f"{where}: field '{name}': length {len(v)}, expected {dim} like the first record")
        return [float(x) for x in v]

    for n, r in read_jsonl(path):
        where = f"{path}:{n}"
        judge = str(_field(r, "judge", (str, int), where))
        model = _field(r, "model", str, where)
        qid = str(_field(r, "question_id", (str, int), where))
        turn = _field(r, "turn", int, where)
        conv = _field(r, "conversation", list, where)
        if turn < 1 or turn > len(conv):
            raise ValueError(f"{where}: field 'turn': {turn!r} not in 1..len(conversation)={len(conv)}")
        steps = []
        for k, step in enumerate(conv):
            sw = f"{where}: conversation[{k}]"
            if not isinstance(step, dict):
                raise ValueError(f"{sw}: expected an object")
            steps.append(_field(step, "query", str, sw))
        cur = conv[turn - 1]
        sw = f"{where}: conversation[{turn - 1}]"
        rating = _field(cur, "rating", (int, float), sw)
        if not math.isfinite(rating):
            raise ValueError(f"{sw}: field 'rating': {rating!r} is not finite")
        vectors[steps[turn - 1]] = vec(cur, "query_emb", sw)
        vectors[model] = vec(r, "model_emb", where)
        rows.append((judge, model, qid, turn, steps, float(rating), _field(cur, "response", str, sw, optional=True), n))
    if not rows:
        raise ValueError(f"{path}: no records")
    lo, hi = min(r[5] for r in rows), max(r[5] for r in rows)
    span = (hi - lo) or 1.0
    interactions, groups = [], []
    cur_key, cur_ids = None, []

    def flush():
        if cur_key is not None and len(cur_ids) >= 2:
            judge, qid, turn = cur_key
            groups.append(Group(id=f"{judge}|{qid}|t{turn}|{len(groups)}", user=judge, interactions=list(cur_ids), cluster=f"{judge}|{qid}"))

    for judge, model, qid, turn, steps, rating, response, n in rows:
        key = (judge, qid, turn)
        if key != cur_key:
            flush()
            cur_key, cur_ids = key, []
        iid = f"{path.name}:{n}"
        interactions.append(
            Interaction(
                id=iid, user=judge, session=f"{judge}|{qid}|{model}", turn=turn, query=steps[turn - 1],
                context=steps[: turn - 1], llm=model, rating=(rating - lo) / span, response=response,
                source="gmtrouter", query_id=f"{qid}t{turn}",
            )
        )
        cur_ids.append(iid)
    flush()
    llms = {r[1]: r[1] for r in rows}
    return Dataset(
        source=f"gmtrouter-jsonl:{path.name}", llms=llms, interactions=interactions, groups=groups,
        embedder={"id": embedder_id, "dim": dim}, vectors=vectors,
    ).check(str(path))


# ----------------------------------------------------------------------------------------- app export
def import_app_export(path: Path) -> Dataset:
    """The app's export (router-core/contract.json "appExport"): header, llm, interaction and comparison
    records. Comparison members must carry ratings consistent with the comparison (winner 1, others 0,
    tie 0.5 each)."""
    path = Path(path)
    llms: Dict[str, str] = {}
    inter: Dict[str, Tuple[Interaction, int]] = {}
    comps: List[Tuple[Dict[str, Any], int]] = []
    saw_header = False
    for n, rec in read_jsonl(path):
        where = f"{path}:{n}"
        kind = _field(rec, "type", str, where)
        if kind == "header":
            fmt = _field(rec, "format", str, where)
            if fmt != APP_FORMAT:
                raise ValueError(f"{where}: field 'format': {fmt!r}, expected {APP_FORMAT!r}")
            ver = _field(rec, "formatVersion", int, where)
            if ver != 1:
                raise ValueError(f"{where}: field 'formatVersion': {ver!r}, expected 1")
            saw_header = True
        elif not saw_header:
            raise ValueError(f"{where}: field 'type': first record must be the header, got {kind!r}")
        elif kind == "llm":
            mid = _field(rec, "id", str, where)
            desc = _field(rec, "description", str, where)
            if not desc.strip():
                raise ValueError(f"{where}: field 'description': empty (the router scores models from it)")
            llms[mid] = desc
        elif kind == "interaction":
            iid = _field(rec, "id", str, where)
            if iid in inter:
                raise ValueError(f"{where}: field 'id': duplicate interaction id {iid!r} (first on line {inter[iid][1]})")
            turn_index = _field(rec, "turnIndex", int, where)
            if turn_index < 0:
                raise ValueError(f"{where}: field 'turnIndex': {turn_index!r} is negative")
            context = _field(rec, "context", list, where)
            if not all(isinstance(c, str) for c in context):
                raise ValueError(f"{where}: field 'context': expected a list of strings")
            source = _field(rec, "source", str, where)
            if source not in APP_SOURCES:
                raise ValueError(f"{where}: field 'source': {source!r} not one of {list(APP_SOURCES)}")
            model = _field(rec, "modelId", str, where)
            if model not in llms:
                raise ValueError(f"{where}: field 'modelId': {model!r} has no llm record (description) before it")
            inter[iid] = (
                Interaction(
                    id=iid, user=_field(rec, "userId", str, where), session=_field(rec, "sessionId", str, where),
                    turn=turn_index + 1, query=_field(rec, "query", str, where), context=list(context), llm=model,
                    rating=_rating(rec, "rating", where), response=_field(rec, "response", str, where, optional=True),
                    source=source, created_at=_field(rec, "createdAt", str, where),
                ),
                n,
            )
        elif kind == "comparison":
            comps.append((rec, n))
        else:
            raise ValueError(f"{where}: field 'type': {kind!r} not one of ['header', 'llm', 'interaction', 'comparison']")
    if not saw_header:
        raise ValueError(f"{path}: no header record")
    groups = []
    for rec, n in comps:
        where = f"{path}:{n}"
        gid = _field(rec, "id", str, where)
        user = _field(rec, "userId", str, where)
        ids = _field(rec, "interactionIds", list, where)
        if len(ids) < 2:
            raise ValueError(f"{where}: field 'interactionIds': needs >= 2 interactions, got {len(ids)}")
        members = []
        for iid in ids:
            if iid not in inter:
                raise ValueError(f"{where}: field 'interactionIds': unknown interaction {iid!r}")
            it = inter[iid][0]
            if it.user != user:
                raise ValueError(f"{where}: field 'interactionIds': {iid!r} belongs to user {it.user!r}, not {user!r}")
            if it.source not in ("compare", "sibling"):
                raise ValueError(f"{where}: field 'interactionIds': {iid!r} has source {it.source!r}, expected compare|sibling")
            members.append(it)
        tie = _field(rec, "tie", bool, where)
        winner = _field(rec, "winner", str, where, optional=True)
        if tie and winner is not None:
            raise ValueError(f"{where}: field 'winner': {winner!r} given although tie is true")
        if not tie and winner not in [m.llm for m in members]:
            raise ValueError(f"{where}: field 'winner': {winner!r} is not the model of any interaction in the group")
        for m in members:
            want = 0.5 if tie else (1.0 if m.llm == winner else 0.0)
            if abs(m.rating - want) > 1e-9:
                raise ValueError(f"{where}: field 'winner': interaction {m.id!r} has rating {m.rating}, expected {want}")
        groups.append(Group(id=gid, user=user, interactions=list(ids), cluster=f"{user}|{members[0].session}"))
    return Dataset(source=f"app-export:{path.name}", llms=llms, interactions=[v[0] for v in inter.values()], groups=groups).check(str(path))


# ---------------------------------------------------------------------------------------------- CLI
def main(argv=None) -> int:
    import argparse

    from .config import QUERY_MODES, DataConfig
    from .embed import embed_texts
    from .query_text import build_query_texts

    p = argparse.ArgumentParser(prog="python -m training import", description="Import a data source into the internal dataset format (*.dataset.json) and embed its texts into the cache.")
    p.add_argument("format", choices=["mtbench", "gmtrouter", "app", "personas"],
                   help="mtbench: MT-Bench human folder; gmtrouter: GMTRouter JSONL; app: app export JSONL; personas: synthetic users on the MT-Bench answers (training/personas.py)")
    p.add_argument("--in", dest="inp", type=Path, help="input folder (mtbench, personas: default the repository's data/mtbench-human) or file")
    p.add_argument("--out", required=True, type=Path, help="output dataset file, e.g. training/.cache/mtbench.dataset.json")
    p.add_argument("--swap-seed", type=int, default=0, help="mtbench: seed of the per-vote A/B swap")
    p.add_argument("--seed", type=int, default=0, help="personas: generator seed")
    p.add_argument("--users", type=int, default=400, help="personas: number of training users")
    p.add_argument("--splits", default="train", help="personas: comma list of user splits to write (train, val, test)")
    p.add_argument("--embedder-id", default="gmtrouter-jsonl", help="gmtrouter: id of the encoder that made the file's vectors")
    p.add_argument("--no-embed", action="store_true", help="do not precompute embeddings")
    p.add_argument("--query-mode", default="all", choices=("all",) + QUERY_MODES, help="query text mode(s) to pre-embed (all: every mode, so training needs no Node later)")
    p.add_argument("--retrieval-top-k", type=int, default=DataConfig().retrieval_top_k, help="k of the retrieval mode to pre-embed")
    args = p.parse_args(argv)
    if args.inp is None and args.format in ("gmtrouter", "app"):
        p.error(f"the following arguments are required: --in (for {args.format})")
    if args.format == "personas":
        from .personas import generate, training_dataset

        splits = [s for s in args.splits.split(",") if s]
        if not splits or any(s not in ("train", "val", "test") for s in splits):
            p.error(f"--splits={args.splits!r}: expected a comma list of train, val, test")
        if args.users < 1:
            p.error(f"--users={args.users}: need at least 1")
        ds = training_dataset(generate(args.inp or MTBENCH_DIR, seed=args.seed, n_train=args.users), splits)
    elif args.format == "mtbench":
        ds = import_mtbench_human(args.inp or MTBENCH_DIR, args.swap_seed)
    elif args.format == "gmtrouter":
        ds = import_gmtrouter_jsonl(args.inp, args.embedder_id)
    else:
        ds = import_app_export(args.inp)
    if args.retrieval_top_k < 1:
        p.error(f"--retrieval-top-k={args.retrieval_top_k}: need at least 1")
    if not args.no_embed and ds.embedder is None:
        base = DataConfig()
        embed = lambda texts: embed_texts(texts, base.embedder_id, base.embed_dim)  # noqa: E731
        embed([it.response for it in ds.interactions if it.response is not None] + list(ds.llms.values()))
        for mode in QUERY_MODES if args.query_mode == "all" else (args.query_mode,):
            dc = DataConfig(query_mode=mode, retrieval_top_k=args.retrieval_top_k)
            embed(build_query_texts(ds.interactions, dc, embed))
    ds.save(args.out)
    print(json.dumps({"out": str(args.out), **ds.summary()}))
    return 0
