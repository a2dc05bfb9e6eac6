"""Online preference layer: the user's own ratings on similar queries added to the scorer's logits.

Python reference of ``router-core/online-preference.ts`` (the serving code), used to evaluate the layer
on MT-Bench (``training/evaluate.py`` method ``ours+online``) and for the preference-sensitivity check
(``python -m training.online sensitivity``).

For a query embedding :math:`q`, the user's visible (revealed) history :math:`i = 1..n` with query
embeddings :math:`q_i`, models :math:`m_i` and ratings :math:`r_i \\in [0, 1]`, and scorer logits
:math:`s_m`:

.. math::
    w_i = \\max(0, \\cos(q, q_i))^2

    a_m = \\frac{\\sum_{i: m_i = m} w_i (r_i - \\tfrac12)}{\\kappa + \\sum_{i: m_i = m} w_i}

    s'_m = s_m + \\beta\\, a_m

:math:`|a_m| < 1/2`, so the shift is bounded by :math:`\\pm\\beta/2` logits; :math:`\\kappa` (a
pseudo-count of similarity weight) shrinks thin evidence toward no change; :math:`\\beta = 0` is the
identity. Defaults as served: :math:`\\beta = 4`, :math:`\\kappa = 1`. Cosines here are exact float
cosines (the Node code stores history query directions as int8 unit vectors; cosine error < 1%).
A zero query vector or a zero history vector has cosine 0 (no weight).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

DEFAULT_BETA = 4.0
DEFAULT_KAPPA = 1.0


def _unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    return np.divide(x, n, out=np.zeros_like(x), where=n > 0)


def online_preference(
    queries: np.ndarray, hist_queries: np.ndarray, hist_models: Sequence[int], hist_ratings: Sequence[float],
    n_models: int, kappa: float = DEFAULT_KAPPA,
) -> np.ndarray:
    """:math:`a_m` for each query and model: ``queries`` [B, D] (or [D]) -> [B, n_models] (or [n_models]).

    ``hist_models`` are model indices in [0, n_models); history of other models is ignored. Without
    history every :math:`a_m` is 0."""
    q = np.asarray(queries, dtype=np.float64)
    single = q.ndim == 1
    q = q[None, :] if single else q
    out = np.zeros((q.shape[0], n_models))
    hm = np.asarray(hist_models, dtype=np.int64)
    if len(hm):
        r = np.asarray(hist_ratings, dtype=np.float64)
        if kappa <= 0:
            raise ValueError(f"kappa must be > 0, got {kappa}")
        w = np.maximum(0.0, _unit(q) @ _unit(hist_queries).T) ** 2  # [B, n]
        onehot = np.zeros((len(hm), n_models))
        onehot[np.arange(len(hm)), hm] = 1.0
        out = (w * (r - 0.5)) @ onehot / (kappa + w @ onehot)
    return out[0] if single else out


def apply_online(
    scores: np.ndarray, queries: np.ndarray, hist_queries: np.ndarray, hist_models: Sequence[int],
    hist_ratings: Sequence[float], beta: float = DEFAULT_BETA, kappa: float = DEFAULT_KAPPA,
) -> np.ndarray:
    """:math:`s' = s + \\beta a`: ``scores`` [B, M] (or [M]) for ``queries`` [B, D] (or [D])."""
    s = np.asarray(scores, dtype=np.float64)
    if beta == 0:
        return s.copy()
    return s + beta * online_preference(queries, hist_queries, hist_models, hist_ratings, s.shape[-1], kappa)


def pair_preference_diffs(T, visible: np.ndarray, pairs: np.ndarray, kappa: float = DEFAULT_KAPPA) -> np.ndarray:
    """:math:`a_{m_a}(q_a) - a_{m_b}(q_b)` for comparison pairs of a :class:`training.graph.Tensors`,
    each pair's user seeing only its own ``visible`` interactions as history (multiply by
    :math:`\\beta` and add to the scorer's ``s_a - s_b``)."""
    out = np.zeros(len(pairs))
    if len(pairs) == 0:
        return out
    visible = np.asarray(visible, dtype=np.int64)
    M = len(T.llm_ids)
    a, b = T.pair_a[pairs], T.pair_b[pairs]
    users = T.it_user[a]
    vis_user = T.it_user[visible]
    for u in np.unique(users):
        sel = np.nonzero(users == u)[0]
        hist = visible[vis_user == u]
        if len(hist) == 0:
            continue
        args = (T.Q[T.it_q[hist]], T.it_llm[hist], T.it_rating[hist], M, kappa)
        pa = online_preference(T.Q[T.it_q[a[sel]]], *args)
        pb = online_preference(T.Q[T.it_q[b[sel]]], *args)
        out[sel] = pa[np.arange(len(sel)), T.it_llm[a[sel]]] - pb[np.arange(len(sel)), T.it_llm[b[sel]]]
    return out


# ---------------------------------------------------------------------------- sensitivity check
# The probe of the router-core test (test/router-core/personalization.test.ts): two users rate the same 12
# short factual questions, each answered by both models of a pair (5 stars = 1 for the model they like,
# 1 star = 0 for the other), then a new factual question is routed.
PROBE_HISTORY = [
    "What is the capital of France?", "How many legs does a spider have?", "Who wrote Romeo and Juliet?",
    "What is the boiling point of water in Celsius?", "Which planet is closest to the sun?", "What is the chemical symbol for gold?",
    "How many continents are there?", "Who painted the Mona Lisa?", "What is the largest ocean on Earth?",
    "In which year did World War II end?", "What is the square root of 81?", "What language is spoken in Brazil?",
]
PROBE_QUERY = "What is the capital of Spain?"
PAIRS = (("gpt-3.5-turbo", "claude-v1"), ("vicuna-13b-v1.2", "gpt-4"), ("alpaca-13b", "gpt-4"))


def sensitivity_check(checkpoint: Path, ns: Sequence[int] = (1, 12), beta: float = DEFAULT_BETA, kappa: float = DEFAULT_KAPPA,
                      history: Optional[List[str]] = None, probe: Optional[str] = None) -> Dict[str, Any]:
    """Synthetic users who rated the same queries in opposite directions: P(A) over {A, B} for the probe
    query (softmax over the two candidates, as the router reports it), without and with the layer."""
    import torch

    from .embed import embed_texts
    from .train import load_checkpoint

    ckpt, model = load_checkpoint(checkpoint)
    cfg = ckpt["config"]["data"]
    ids = [m["id"] for m in ckpt["llms"]]
    L = torch.tensor(ckpt["llmVectors"], dtype=torch.float32)
    hist_texts = history if history is not None else PROBE_HISTORY[: max(ns)]
    probe = probe or PROBE_QUERY
    vecs = embed_texts(hist_texts + [probe, ""], cfg["embedder_id"], cfg["embed_dim"])
    H, q, no_text = vecs[:-2], vecs[-2], vecs[-1]

    @torch.no_grad()
    def scores(hq: np.ndarray, hm: List[int], hr: List[float]) -> np.ndarray:
        n = len(hm)
        uv = model.encoder(
            query_x=torch.from_numpy(np.asarray(hq, dtype=np.float32).reshape(n, H.shape[1])), rating=torch.tensor(hr, dtype=torch.float32),
            llm_x=L, session_llm=torch.tensor(hm, dtype=torch.long), chain_src=torch.zeros(0, dtype=torch.long),
            chain_dst=torch.zeros(0, dtype=torch.long), session_user=torch.zeros(n, dtype=torch.long), n_users=1,
            response_x=torch.from_numpy(np.repeat(no_text[None, :], n, axis=0)) if model.encoder.cfg.response_text else None,
            response_len=torch.zeros(n) if model.encoder.cfg.answer_length else None,  # the probe's answers are not stored
        )
        return model.predictor(uv, torch.from_numpy(q[None, :]), L)[0].numpy().astype(np.float64)

    def p_first(s: np.ndarray, i: int, j: int) -> float:
        return float(1 / (1 + np.exp(-(s[i] - s[j]))))

    rows = []
    for A, B in PAIRS:
        i, j = ids.index(A), ids.index(B)
        s0 = scores(np.zeros((0, H.shape[1])), [], [])
        rows.append({"pair": [A, B], "user": "no history", "n": 0, "pA_model": p_first(s0, i, j), "pA_layer": p_first(s0, i, j),
                     "pick": ids[int(np.argmax(s0))]})
        for n in ns:
            for liked, good, bad in (("likes " + A, i, j), ("likes " + B, j, i)):
                hq = np.repeat(H[:n], 2, axis=0)  # each query rated for both models
                hm = [good, bad] * n
                hr = [1.0, 0.0] * n
                s = scores(hq, hm, hr)
                s2 = apply_online(s, q, hq, hm, hr, beta, kappa)
                rows.append({"pair": [A, B], "user": liked, "n": n, "pA_model": p_first(s, i, j), "pA_layer": p_first(s2, i, j),
                             "pick": ids[int(np.argmax(s))]})
    return {"checkpoint": str(checkpoint), "beta": beta, "kappa": kappa, "history": hist_texts[: max(ns)], "probe": probe, "rows": rows}


def format_sensitivity(res: Dict[str, Any]) -> str:
    lines = [f"Probe: \"{res['probe']}\"; β = {res['beta']:g}, κ = {res['kappa']:g}; P(A) = softmax over {{A, B}}.\n",
             "| A vs B | synthetic user | rated pairs | P(A) model only | P(A) model + layer | pick among all models (model only) |",
             "|---|---|---|---|---|---|"]
    for r in res["rows"]:
        lines.append(f"| {r['pair'][0]} vs {r['pair'][1]} | {r['user']} | {r['n']} | {r['pA_model']:.3f} | {r['pA_layer']:.3f} | {r['pick']} |")
    return "\n".join(lines) + "\n"


def beta_selection(report: Dict[str, Any]) -> Dict[str, Any]:
    """Validation AUC per beta (mean over seeds) per split, the beta chosen per split, and one beta overall
    (highest mean validation AUC over splits and seeds; ties go to the smaller beta)."""
    sel = report["online"]["selection"]
    betas = [f"{b:g}" for b in report["online"]["betas"]]
    per_split: Dict[str, Any] = {}
    for split in dict.fromkeys(x["split"] for x in sel):
        xs = [x for x in sel if x["split"] == split]
        mean = {b: float(np.mean([x["valAuc"][b] for x in xs])) for b in betas}
        per_split[split] = {"meanValAuc": mean, "chosenBetaPerSeed": {str(x["seed"]): x["chosenBeta"] for x in xs},
                            "valPairsPerSeed": {str(x["seed"]): x["valPairs"] for x in xs}}
    overall = {b: float(np.mean([x["valAuc"][b] for x in sel])) for b in betas}
    best = max(betas, key=lambda b: (overall[b], -float(b)))
    return {"perSplit": per_split, "meanValAucOverall": overall, "chosenBeta": float(best)}


def write_report(eval_json: Path, out: Path, checkpoint: Path, beta: float, kappa: float) -> str:
    """``online-eval.md`` / ``.json`` from an ``evaluate`` run that included ``ours+online`` plus the
    sensitivity check (the JSON keeps metrics and beta selection, not the per-pair predictions)."""
    from .evaluate import format_table

    rep = json.loads(Path(eval_json).read_text())
    sel = beta_selection(rep)
    sens = sensitivity_check(checkpoint, beta=beta, kappa=kappa)
    betas = [f"{b:g}" for b in rep["online"]["betas"]]
    lines = [
        "# Online preference layer on MT-Bench human judgments", "",
        f"Evaluation command: `{rep['command']}` (total {rep.get('seconds', 0) / 60:.1f} min of process time on this 2-core machine; seeds {rep['seeds']}; kappa = {rep['online']['kappa']:g}).",
        f"Report command (after `python -m training evaluate --merge <parts> --out <dir>` where the evaluation ran in parts): "
        f"`/usr/bin/python3 -m training.online report --eval {eval_json} --out {out}`.", "",
        "`ours+online` = the default GMTRouter scores (the very network trained for `ours` on the same split and seed) plus "
        "beta * a_m from `training/online.py`, with exactly the history the split reveals (within_user: the user's training "
        "clusters; held_out_questions: the user's votes on training questions; held_out_users: the k revealed clusters, none at k=0). "
        "beta is chosen per split and seed on that split's validation AUC (validation history = training votes); "
        "`ours+online@b=<beta>` are the fixed-beta rows (`@b=0` is `ours`).", "",
        "## Validation AUC per beta (mean over seeds)", "",
        "| split | " + " | ".join(f"beta={b}" for b in betas) + " | chosen beta per seed |", "|---|" + "---|" * (len(betas) + 1),
    ]
    for split, v in sel["perSplit"].items():
        lines.append(f"| {split} | " + " | ".join(f"{v['meanValAuc'][b]:.4f}" for b in betas) + f" | {v['chosenBetaPerSeed']} |")
    lines.append("| all splits (mean) | " + " | ".join(f"{sel['meanValAucOverall'][b]:.4f}" for b in betas) + f" | **{sel['chosenBeta']:g}** |")
    lines += ["", "## Test metrics (95% CIs by bootstrapping users)", format_table(rep),
              "## Preference-sensitivity check (synthetic users, shipped checkpoint)", "",
              f"Checkpoint `{checkpoint}` (exported as `router-core/models/default`). Each synthetic user rated n coding queries "
              "(the probe of the Node measurement), each answered by both A and B, winner 1 / loser 0; the two users of a row pair "
              "rated the same queries in opposite directions.", "", format_sensitivity(sens),
              "Other beta, 12 rated pairs (P(A) model + layer; the model-only column does not depend on beta):", "",
              "| A vs B | beta | P(A), user who likes A | P(A), user who likes B |", "|---|---|---|---|"]
    for b in sorted({0.0, 1.0, 2.0, beta, 8.0}):
        rows = sensitivity_check(checkpoint, ns=(12,), beta=b, kappa=kappa)["rows"]
        for A, B in PAIRS:
            pa = {r["user"]: r["pA_layer"] for r in rows if r["pair"] == [A, B]}
            lines.append(f"| {A} vs {B} | {b:g} | {pa['likes ' + A]:.3f} | {pa['likes ' + B]:.3f} |")
    md = "\n".join(lines) + "\n"
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".md").write_text(md)
    keep = {k: rep[k] for k in ("command", "seconds", "dataset", "splits", "seeds", "methods", "secondsPerRun", "results", "online") if k in rep}
    out.with_suffix(".json").write_text(json.dumps({**keep, "betaSelection": sel, "sensitivity": sens}, indent=1) + "\n")
    return md


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.online", description="Online preference layer: sensitivity check and evaluation report.")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sensitivity", help="opposite synthetic users must get opposite preferences")
    r = sub.add_parser("report", help="online-eval.md/.json from an evaluate run with ours+online, plus the sensitivity check")
    r.add_argument("--eval", type=Path, required=True, help="eval.json written by `python -m training evaluate ... --methods ...,ours+online`")
    r.add_argument("--out", type=Path, default=Path("training/results/online-eval"), help="path without suffix: writes .md and .json")
    for a in (s, r):
        a.add_argument("--checkpoint", type=Path, default=Path("training/.cache/checkpoints/default.pt"))
        a.add_argument("--beta", type=float, default=DEFAULT_BETA, help="beta of the sensitivity check")
        a.add_argument("--kappa", type=float, default=DEFAULT_KAPPA)
    args = p.parse_args(argv)
    if args.cmd == "report":
        print(write_report(args.eval, args.out, args.checkpoint, args.beta, args.kappa))
        return 0
    print(format_sensitivity(sensitivity_check(args.checkpoint, beta=args.beta, kappa=args.kappa)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
