"""Query-text modes against each other on MT-Bench human: training/results/query-modes.{md,json}.

Reads a merged ``python -m training evaluate`` report whose methods include one row per mode (same
splits, seeds and pairs for all of them) and adds what the per-method table cannot show: paired
differences to current_only (users bootstrapped once for both methods, so split and seed noise cancel),
the same on turn-2 pairs only (the only queries whose text depends on the mode), and whether two modes
gave bit-identical predictions. Usage (from the repo root):

    /usr/bin/python3 bench/training/query_modes_report.py --eval merged/eval.json \\
        --dataset training/.cache/mtbench.dataset.json --out training/results/query-modes
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from training.config import get_preset  # noqa: E402
from training.data import Dataset  # noqa: E402
from training.evaluate import SPLITS, _acc, _auc, make_split, metrics_with_ci  # noqa: E402
from training.graph import build_tensors  # noqa: E402

MODES = {"ours": "current_only", "ours-full-context": "full_context", "ours-retrieval": "retrieval"}
BASE = "ours"


def pair_turns(dataset: Path, report: Dict[str, Any]) -> Dict[tuple, np.ndarray]:
    """(split, condition, seed) -> turn of each predicted pair, in the order the evaluation wrote them."""
    T = build_tensors(Dataset.load(dataset), get_preset("default"), use_response_text=False)
    out = {}
    for seed in report["seeds"]:
        for split in report["splits"]:
            for cond, (_, pairs) in make_split(T, split, seed).tests.items():
                out[(split, cond, seed)] = T.it_turn[T.pair_a[pairs]]
    return out


def pooled(report: Dict[str, Any], method: str, split: str, cond: str):
    parts = sorted((p for p in report["predictions"] if (p["method"], p["split"], p["condition"]) == (method, split, cond)), key=lambda p: p["seed"])
    users = np.array([u for p in parts for u in p["users"]])
    y = np.array([v for p in parts for v in p["labels"]], dtype=np.float64)
    d = np.array([v for p in parts for v in p["diffs"]], dtype=np.float64)
    return [p["seed"] for p in parts], users, y, d


def paired_difference(users: np.ndarray, y: np.ndarray, d_mode: np.ndarray, d_base: np.ndarray, n_boot: int = 500, seed: int = 0) -> Dict[str, Any]:
    """mode minus base for pooled AUC and accuracy, 95% CI from resampling users (the same draw for both)."""
    uniq = np.unique(users)
    idx = {u: np.nonzero(users == u)[0] for u in uniq}

    def point(us):
        sel = np.concatenate([idx[u] for u in us])
        return _auc(y[sel], d_mode[sel]) - _auc(y[sel], d_base[sel]), _acc(y[sel], d_mode[sel]) - _acc(y[sel], d_base[sel])

    est = point(uniq)
    rng = np.random.default_rng(seed)
    boots = np.array([point(rng.choice(uniq, len(uniq), replace=True)) for _ in range(n_boot)])
    lo, hi = np.nanpercentile(boots, 2.5, axis=0), np.nanpercentile(boots, 97.5, axis=0)
    return {"aucDiff": est[0], "aucDiffCi": [float(lo[0]), float(hi[0])], "accuracyDiff": est[1], "accuracyDiffCi": [float(lo[1]), float(hi[1])]}


def build(report: Dict[str, Any], turns: Dict[tuple, np.ndarray], n_boot: int) -> Dict[str, Any]:
    order = lambda sc: (SPLITS.index(sc[0]), int(sc[1][2:]) if sc[1].startswith("k=") else -1)  # noqa: E731
    conditions = sorted({(r["split"], r["condition"]) for r in report["results"]}, key=order)
    blocks: List[Dict[str, Any]] = []
    for split, cond in conditions:
        seeds, users, y, d_base = pooled(report, BASE, split, cond)
        turn = np.concatenate([turns[(split, cond, s)] for s in seeds])
        assert len(turn) == len(y), (split, cond)
        keep = y != 0.5  # the evaluation's metrics are on non-tied votes
        block: Dict[str, Any] = {"split": split, "condition": cond, "seeds": seeds, "rows": []}
        for method, mode in MODES.items():
            s_m, u_m, y_m, d = pooled(report, method, split, cond)
            assert s_m == seeds and np.array_equal(u_m, users) and np.array_equal(y_m, y), f"{method} predicted other pairs"
            row: Dict[str, Any] = {"mode": mode, "method": method}
            for name, mask in (("all", keep), ("turn2", keep & (turn == 2))):
                row[name] = metrics_with_ci(users[mask], y[mask], d[mask], n_boot=n_boot)
                if method != BASE:
                    row[name]["vsCurrentOnly"] = paired_difference(users[mask], y[mask], d[mask], d_base[mask], n_boot=n_boot)
            block["rows"].append(row)
        _, _, _, d_full = pooled(report, "ours-full-context", split, cond)
        _, _, _, d_retr = pooled(report, "ours-retrieval", split, cond)
        block["retrievalMinusFullContextMaxAbs"] = float(np.max(np.abs(d_retr - d_full))) if len(d_full) else 0.0
        blocks.append(block)
    return {"source": report.get("command"), "seeds": report["seeds"], "device": report.get("device"), "bootstrap": n_boot, "blocks": blocks}


def _ci(m: Dict[str, Any], key: str) -> str:
    return f"{m[key]:.3f} [{m[key + '_ci'][0]:.3f}, {m[key + '_ci'][1]:.3f}]"


def _diff(m: Dict[str, Any]) -> str:
    v = m.get("vsCurrentOnly")
    if not v:
        return "—"
    return f"{v['aucDiff']:+.3f} [{v['aucDiffCi'][0]:+.3f}, {v['aucDiffCi'][1]:+.3f}]"


def to_markdown(doc: Dict[str, Any]) -> str:
    lines = []
    for b in doc["blocks"]:
        first = b["rows"][0]
        lines.append(f"\n**{b['split']} / {b['condition']}** ({first['all']['n_pairs']} non-tied test pairs pooled over seeds "
                     f"{','.join(map(str, b['seeds']))}, of which {first['turn2']['n_pairs']} on turn 2; {first['all']['n_users']} users)\n")
        lines.append("| query mode | accuracy [95% CI] | AUC [95% CI] | user-macro AUC [95% CI] (users) | ΔAUC vs current_only, paired [95% CI] | turn 2: AUC [95% CI] | turn 2: ΔAUC paired [95% CI] |")
        lines.append("|---|---|---|---|---|---|---|")
        for r in b["rows"]:
            a, t2 = r["all"], r["turn2"]
            lines.append(f"| {r['mode']} | {_ci(a, 'accuracy')} | {_ci(a, 'auc')} | {_ci(a, 'user_macro_auc')} ({a['n_users_auc_defined']}) | {_diff(a)} | {_ci(t2, 'auc')} | {_diff(t2)} |")
        lines.append(f"\nmax |retrieval − full_context| over all predicted score differences: {b['retrievalMinusFullContextMaxAbs']:.3g}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--eval", type=Path, required=True, help="merged eval.json with methods " + ", ".join(MODES))
    p.add_argument("--dataset", type=Path, required=True, help="the dataset file the evaluation ran on")
    p.add_argument("--bootstrap", type=int, default=500)
    p.add_argument("--out", type=Path, required=True, help="writes OUT.json and OUT.md")
    args = p.parse_args(argv)
    report = json.loads(args.eval.read_text())
    missing = [m for m in MODES if m not in report["methods"]]
    if missing:
        p.error(f"--eval {args.eval}: field 'methods' lacks {missing}")
    doc = build(report, pair_turns(args.dataset, report), args.bootstrap)
    md = to_markdown(doc)
    args.out.with_suffix(".json").write_text(json.dumps(doc, indent=1) + "\n")
    args.out.with_suffix(".md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
