"""Evaluation on MT-Bench human judgments: three splits, several seeds, ours vs baselines.

Splits (all keep a vote cluster — the turn-1 and turn-2 votes of one judge, question and model pair —
in one part):
- ``within_user``: per user with >= 10 votes, clusters 70/10/20 train/val/test (users with fewer votes
  are training-only). History at test time: the user's training votes.
- ``held_out_questions``: questions 70/10/20; history: the user's votes on training questions.
- ``held_out_users``: 20% of users (with > 10 clusters) are unseen in training; for each, k = 0, 5, 10
  clusters are revealed as history and the same remaining votes are predicted (cold-start curve).

Metrics on non-tied votes: pairwise accuracy (a zero score difference counts 1/2), pooled ROC-AUC of
score differences, per-user macro AUC (undefined for a user with one class, and left out), each with a
95% CI from bootstrapping users. Predictions of all seeds are pooled per user.

Method ``ours+online``: ``ours`` plus the online preference layer (``training/online.py``) over the
history each split reveals, beta chosen on validation AUC; fixed-beta rows ``ours+online@b=<beta>``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from .baselines import BASELINES
from .config import Config, apply_overrides, get_preset
from .device import DEVICES, describe, resolve_device
from .graph import Tensors, build_tensors, group_pairs
from .importers import MTBENCH_DIR, import_mtbench_human
from .online import DEFAULT_KAPPA, pair_preference_diffs
from .progress import Progress
from .recipe import Mixed, mix, train_mixed
from .train import auc, interactions_of_groups, predict_diffs, train_model

SPLITS = ("within_user", "held_out_questions", "held_out_users")
REVEAL_K = (0, 5, 10)
DEFAULT_METHODS = ("random", "always-best-single-model", "global-bt", "per-category-bt", "per-user-bt",
                   "query-knn", "mf-routellm", "gmtrouter-faithful", "ours")
ONLINE = "ours+online"  # ours + the online preference layer (training/online.py), beta chosen on validation
ONLINE_BETAS = (0.0, 1.0, 2.0, 4.0, 8.0)


def online_row(beta: float) -> str:
    """Method name of the fixed-beta rows reported next to ``ours+online``."""
    return f"{ONLINE}@b={beta:g}"


@dataclass
class Split:
    name: str
    train: np.ndarray
    val: np.ndarray
    tests: Dict[str, Tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # condition -> (visible, pairs)


def _cluster_parts(clusters: np.ndarray, rng, fracs=(0.7, 0.8)) -> Dict[int, int]:
    """Assigns each cluster to 0 (train), 1 (val) or 2 (test) by its position in a random order."""
    order = rng.permutation(clusters)
    n = len(order)
    return {int(c): (0 if i < fracs[0] * n else 1 if i < fracs[1] * n else 2) for i, c in enumerate(order)}


def make_split(T: Tensors, kind: str, seed: int, min_votes: int = 10) -> Split:
    rng = np.random.default_rng(seed)
    G = np.arange(len(T.groups))
    votes = np.bincount(T.g_user, minlength=len(T.users))
    if kind == "within_user":
        part = np.zeros(len(G), dtype=int)
        for u in np.nonzero(votes >= min_votes)[0]:
            mine = G[T.g_user == u]
            parts = _cluster_parts(np.unique(T.g_cluster[mine]), rng)
            part[mine] = [parts[int(c)] for c in T.g_cluster[mine]]
        sp = Split(kind, G[part == 0], G[part == 1])
        vis = interactions_of_groups(T, sp.train)
        sp.tests["test"] = (vis, group_pairs(T, G[part == 2]))
        return sp
    if kind == "held_out_questions":
        parts = _cluster_parts(np.unique(T.g_question), rng)
        part = np.array([parts[int(q)] for q in T.g_question])
        sp = Split(kind, G[part == 0], G[part == 1])
        sp.tests["test"] = (interactions_of_groups(T, sp.train), group_pairs(T, G[part == 2]))
        return sp
    if kind == "held_out_users":
        nclust = np.array([len(np.unique(T.g_cluster[T.g_user == u])) for u in range(len(T.users))])
        eligible = np.nonzero(nclust > max(REVEAL_K) + 2)[0]
        test_users = rng.choice(eligible, max(1, round(0.2 * len(T.users))), replace=False)
        is_test = np.isin(T.g_user, test_users)
        train_pool = G[~is_test]
        parts = _cluster_parts(np.unique(T.g_cluster[train_pool]), rng, fracs=(0.9, 1.0))
        tp = np.array([parts[int(c)] for c in T.g_cluster[train_pool]])
        sp = Split(kind, train_pool[tp == 0], train_pool[tp == 1])
        reveal: Dict[int, List[np.ndarray]] = {}
        targets = []
        for u in test_users:
            mine = G[T.g_user == u]
            order = rng.permutation(np.unique(T.g_cluster[mine]))
            reveal[int(u)] = [mine[T.g_cluster[mine] == c] for c in order[: max(REVEAL_K)]]
            targets.append(mine[~np.isin(T.g_cluster[mine], order[: max(REVEAL_K)])])
        pairs = group_pairs(T, np.concatenate(targets))
        for k in REVEAL_K:
            groups = [g for u in test_users for g in reveal[int(u)][:k]]
            vis = interactions_of_groups(T, np.concatenate(groups)) if groups else np.zeros(0, dtype=np.int64)
            sp.tests[f"k={k}"] = (vis, pairs)
        return sp
    raise ValueError(f"split {kind!r}: expected one of {SPLITS}")


# ------------------------------------------------------------------------------------------ metrics
def _acc(y, d):
    return float(np.mean(np.where(d == 0, 0.5, (d > 0) == (y > 0.5))))


def _auc(y, d):
    return float(roc_auc_score(y > 0.5, d)) if 0 < np.sum(y > 0.5) < len(y) else float("nan")


def metrics_with_ci(users: np.ndarray, y: np.ndarray, d: np.ndarray, n_boot: int = 500, seed: int = 0) -> Dict[str, Any]:
    """Accuracy, pooled AUC and per-user macro AUC with 95% CIs from bootstrapping users."""
    uniq = np.unique(users)
    idx = {u: np.nonzero(users == u)[0] for u in uniq}
    per_user = {u: _auc(y[i], d[i]) for u, i in idx.items()}

    def point(us):
        sel = np.concatenate([idx[u] for u in us])
        macro = [per_user[u] for u in us if not np.isnan(per_user[u])]
        return _acc(y[sel], d[sel]), _auc(y[sel], d[sel]), float(np.mean(macro)) if macro else float("nan")

    est = point(uniq)
    rng = np.random.default_rng(seed)
    boots = np.array([point(rng.choice(uniq, len(uniq), replace=True)) for _ in range(n_boot)])
    lo, hi = np.nanpercentile(boots, 2.5, axis=0), np.nanpercentile(boots, 97.5, axis=0)
    out = {"n_pairs": int(len(y)), "n_users": int(len(uniq)), "n_users_auc_defined": int(sum(not np.isnan(v) for v in per_user.values()))}
    for j, name in enumerate(("accuracy", "auc", "user_macro_auc")):
        out[name] = est[j]
        out[name + "_ci"] = [float(lo[j]), float(hi[j])]
    return out


# ------------------------------------------------------------------------------------------- runner
def run_evaluation(
    ds, splits: Sequence[str], seeds: Sequence[int], methods: Sequence[str], variants: Dict[str, Tuple[str, List[str]]],
    faithful_epochs: int, faithful_seeds: int, epochs: Optional[int] = None, n_boot: int = 500, log=print, progress: bool = True,
    online_betas: Sequence[float] = ONLINE_BETAS, online_kappa: float = DEFAULT_KAPPA, device: torch.device = torch.device("cpu"),
) -> Dict[str, Any]:
    """``ours+online`` reuses the network trained for ``ours`` on the same split and seed (same config)
    and adds beta * a (training/online.py) from exactly the history the split reveals; beta is chosen
    per split and seed on that split's validation AUC (validation history = the training votes, as in
    model selection), and a row per fixed beta is reported as ``ours+online@b=<beta>``."""
    cfgs: Dict[str, Config] = {}
    for m in methods:
        if m in ("ours", ONLINE):
            cfgs[m] = get_preset("default")
        elif m == "gmtrouter-faithful":
            cfgs[m] = apply_overrides(get_preset("faithful"), [f"train.epochs={faithful_epochs}"])
        elif m in variants:
            preset, ov = variants[m]
            cfgs[m] = apply_overrides(get_preset(preset), ov)
        elif m not in BASELINES:
            raise ValueError(f"method {m!r}: expected one of {list(BASELINES) + ['gmtrouter-faithful', 'ours', ONLINE] + list(variants)}")
    if epochs is not None:
        for c in cfgs.values():
            c.train.epochs = min(c.train.epochs, epochs)
    base_T = build_tensors(ds, get_preset("default"), use_response_text=False)
    tensors: Dict[str, Tensors] = {}
    for m, c in cfgs.items():
        key = (c.data.query_mode, c.model.response_text)
        tensors[m] = next((tensors[o] for o, oc in cfgs.items() if o in tensors and (oc.data.query_mode, oc.model.response_text) == key), None) or build_tensors(ds, c)
    rows: Dict[Tuple[str, str, str], List[Tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
    trained: Dict[Tuple[Any, ...], Any] = {}  # (split, seed, tensors, config) -> net: ours and ours+online share one
    mixed: Dict[Tuple[Any, ...], Mixed] = {}  # (seed, config) -> the dataset's tensors followed by that seed's personas
    timings: Dict[str, List[float]] = {}
    online_info: List[Dict[str, Any]] = []
    shrinks: List[Dict[str, Any]] = []  # the served history shrink chosen per trained router (training/recipe.py)
    n_runs = len(splits) * sum(1 for s in seeds for m in methods if not (m == "gmtrouter-faithful" and s >= faithful_seeds))
    bar = Progress(n_runs, "evaluate", progress)
    for seed in seeds:
        for kind in splits:
            sp = make_split(base_T, kind, seed)
            for m in methods:
                if m == "gmtrouter-faithful" and seed >= faithful_seeds:
                    continue
                t0 = time.perf_counter()
                T = tensors.get(m, base_T)
                if m in BASELINES:
                    model = BASELINES[m]().fit(T, sp.train, sp.val, seed=seed)
                    pred = lambda vis, pairs: model.predict(T, vis, pairs)  # noqa: E731
                else:
                    cfg = Config.from_dict(cfgs[m].to_dict())
                    cfg.train.seed = seed
                    cfg.train.progress = False
                    ckey = json.dumps(cfg.to_dict(), sort_keys=True)
                    if cfg.data.personas > 0:
                        if (seed, ckey) not in mixed:
                            mixed[(seed, ckey)] = mix(ds, cfg, seed=seed)
                        T = mixed[(seed, ckey)].T  # the dataset's groups and interactions keep their indices
                    tkey = (kind, seed, id(T), ckey)
                    if tkey not in trained:
                        if cfg.data.personas > 0:
                            history, val_pairs = interactions_of_groups(T, sp.train), group_pairs(T, sp.val)
                            base_fn = lambda net, T=T, h=history, vp=val_pairs: auc(T.pair_label[vp], predict_diffs(net, T, h, vp))  # noqa: E731
                            trained[tkey], info = train_mixed(mixed[(seed, ckey)], cfg, sp.train, np.zeros(0, np.int64), base_fn, device)
                            if "historyShrink" in info:
                                shrinks.append({"split": kind, "seed": seed, "method": m, **info["historyShrink"]})
                        else:
                            trained[tkey] = train_model(T, cfg, sp.train, sp.val, log=log, device=device)[0]
                    net = trained[tkey]
                    pred = lambda vis, pairs: predict_diffs(net, T, vis, pairs)  # noqa: E731
                if m == ONLINE:
                    val_vis, val_pairs = interactions_of_groups(T, sp.train), group_pairs(T, sp.val)
                    base_v = np.asarray(pred(val_vis, val_pairs), dtype=np.float64)
                    adj_v = pair_preference_diffs(T, val_vis, val_pairs, online_kappa)
                    val_auc = {float(b): auc(T.pair_label[val_pairs], base_v + b * adj_v) for b in online_betas}
                    chosen = max(online_betas, key=lambda b: (val_auc[float(b)], -abs(b)))  # ties: smaller beta
                    online_info.append({"split": kind, "seed": seed, "valAuc": {f"{b:g}": a for b, a in val_auc.items()},
                                        "valPairs": int(len(val_pairs)), "chosenBeta": float(chosen)})
                for cond, (vis, pairs) in sp.tests.items():
                    d = np.asarray(pred(vis, pairs), dtype=np.float64)
                    key_rows = (np.asarray(T.users)[T.it_user[T.pair_a[pairs]]], T.pair_label[pairs])
                    if m == ONLINE:
                        adj = pair_preference_diffs(T, vis, pairs, online_kappa)
                        for b in online_betas:
                            rows.setdefault((kind, cond, online_row(b)), []).append((*key_rows, d + b * adj))
                        d = d + chosen * adj
                    rows.setdefault((kind, cond, m), []).append((*key_rows, d))
                timings.setdefault(m, []).append(time.perf_counter() - t0)
                bar.set_postfix(f"{kind} seed={seed} {m} {time.perf_counter() - t0:.0f}s")
                bar.update()
    bar.close()
    predictions = [
        {"split": k, "condition": c, "method": m, "seed": seed, "users": [str(u) for u in users],
         "labels": y.tolist(), "diffs": d.tolist()}
        for (k, c, m), parts in rows.items() for seed, (users, y, d) in zip(seeds, parts)
    ]
    return {
        "dataset": ds.summary(), "splits": list(splits), "seeds": list(seeds), "methods": list(methods),
        "faithfulEpochs": faithful_epochs, "configs": {m: c.to_dict() for m, c in cfgs.items()}, "device": describe(device),
        "secondsPerRun": {m: float(np.mean(t)) for m, t in timings.items()},
        "results": compute_results(predictions, n_boot), "predictions": predictions, "historyShrink": shrinks,
        **({"online": {"betas": [float(b) for b in online_betas], "kappa": online_kappa, "selection": online_info}} if ONLINE in methods else {}),
    }


def compute_results(predictions: List[Dict[str, Any]], n_boot: int = 500) -> List[Dict[str, Any]]:
    """Metrics per (split, condition, method), predictions of all seeds pooled per user."""
    groups: Dict[Tuple[str, str, str], List[Dict[str, Any]]] = {}
    for p in predictions:
        groups.setdefault((p["split"], p["condition"], p["method"]), []).append(p)
    results = []
    for (kind, cond, m), parts in groups.items():
        users = np.array([u for p in parts for u in p["users"]])
        y = np.array([v for p in parts for v in p["labels"]], dtype=np.float64)
        d = np.array([v for p in parts for v in p["diffs"]], dtype=np.float64)
        res = metrics_with_ci(users, y, d, n_boot=n_boot)
        res.update({"split": kind, "condition": cond, "method": m, "seeds": len(parts)})
        results.append(res)
    return results


def format_table(report: Dict[str, Any]) -> str:
    """Markdown table, one block per split/condition."""
    lines = []
    key = lambda r: (SPLITS.index(r["split"]) if r["split"] in SPLITS else 9, r["condition"])  # noqa: E731
    order = {m: i for i, m in enumerate(report["methods"])}
    if ONLINE in order:
        for j, b in enumerate(report.get("online", {}).get("betas", ONLINE_BETAS)):
            order[online_row(b)] = order[ONLINE] + (j + 1) / 100
    blocks: Dict[Tuple[str, str], List[Dict[str, Any]]] = {}
    for r in sorted(report["results"], key=key):
        blocks.setdefault((r["split"], r["condition"]), []).append(r)
    for (split, cond), rs in blocks.items():
        lines.append(f"\n**{split} / {cond}** ({rs[0]['n_pairs']} non-tied test pairs pooled over seeds, {rs[0]['n_users']} users)\n")
        lines.append("| method | seeds | accuracy [95% CI] | AUC [95% CI] | user-macro AUC [95% CI] (users) |")
        lines.append("|---|---|---|---|---|")
        for r in sorted(rs, key=lambda r: order.get(r["method"], 99)):
            f = lambda k: f"{r[k]:.3f} [{r[k + '_ci'][0]:.3f}, {r[k + '_ci'][1]:.3f}]"  # noqa: E731
            lines.append(f"| {r['method']} | {r['seeds']} | {f('accuracy')} | {f('auc')} | {f('user_macro_auc')} ({r['n_users_auc_defined']}) |")
    if report.get("historyShrink"):
        lines.append("\nServed history shrink chosen on each run's base validation (training/recipe.py): " + ", ".join(
            f"{x['split']} seed {x['seed']} {x['method']} {x['chosen']:g}" for x in report["historyShrink"]))
    return "\n".join(lines) + "\n"


def merge_reports(reports: List[Dict[str, Any]], n_boot: int = 500) -> Dict[str, Any]:
    """Merges runs over disjoint (split, seed, method) parts: pools their predictions and recomputes metrics."""
    out = dict(reports[0])
    out["splits"] = sorted({s for r in reports for s in r["splits"]}, key=lambda s: SPLITS.index(s) if s in SPLITS else 9)
    out["seeds"] = sorted({s for r in reports for s in r["seeds"]})
    out["methods"] = list(dict.fromkeys(m for r in reports for m in r["methods"]))
    out["configs"] = {k: v for r in reports for k, v in r["configs"].items()}
    out["predictions"] = [p for r in reports for p in r["predictions"]]
    out["historyShrink"] = [x for r in reports for x in r.get("historyShrink", [])]
    out["results"] = compute_results(out["predictions"], n_boot)
    out["command"] = " ; ".join(r["command"] for r in reports)
    out["seconds"] = sum(r.get("seconds", 0) for r in reports)
    times: Dict[str, List[float]] = {}
    for r in reports:
        for m, t in r["secondsPerRun"].items():
            times.setdefault(m, []).append(t)
    out["secondsPerRun"] = {m: float(np.mean(t)) for m, t in times.items()}
    online = [r["online"] for r in reports if "online" in r]
    if online:
        out["online"] = {**online[0], "selection": [x for o in online for x in o["selection"]]}
    return out


def summarize(report: Dict[str, Any], method: str = "ours") -> Dict[str, Any]:
    """Compact metrics for a manifest: the method's numbers per split/condition and the best baseline there."""
    out: Dict[str, Any] = {"source": "MT-Bench human judgments (LMSYS), training/evaluate.py", "command": report.get("command"),
                           "seeds": len(report["seeds"]), "method": method, "splits": {}}
    for r in report["results"]:
        if r["method"] != method:
            continue
        key = f"{r['split']}/{r['condition']}"
        others = [o for o in report["results"] if o["split"] == r["split"] and o["condition"] == r["condition"] and o["method"] != method]
        best = max(others, key=lambda o: o["auc"]) if others else None
        out["splits"][key] = {
            "accuracy": round(r["accuracy"], 4), "auc": round(r["auc"], 4), "userMacroAuc": round(r["user_macro_auc"], 4),
            "aucCi95": [round(x, 4) for x in r["auc_ci"]], "pairs": r["n_pairs"],
            "bestOtherMethod": best and {"method": best["method"], "auc": round(best["auc"], 4), "accuracy": round(best["accuracy"], 4)},
        }
    return out


def parse_variant(spec: str) -> Tuple[str, Tuple[str, List[str]]]:
    """``name=preset:key=value,key=value`` -> (name, (preset, overrides))."""
    if "=" not in spec or ":" not in spec:
        raise ValueError(f"--variant {spec!r}: expected name=preset:section.key=value,...")
    name, rest = spec.split("=", 1)
    preset, ov = rest.split(":", 1)
    return name, (preset, [o for o in ov.split(",") if o])


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training evaluate", description="Evaluate ours, GMTRouter-faithful and baselines on MT-Bench human judgments.")
    p.add_argument("--mtbench", type=Path, default=MTBENCH_DIR, help="MT-Bench human folder (default: the repository's data/mtbench-human)")
    p.add_argument("--dataset", type=Path, help="use a dataset file written by `import mtbench` instead of --mtbench")
    p.add_argument("--merge", type=Path, nargs="+", help="merge eval.json files of runs over disjoint splits/methods into --out (no training)")
    p.add_argument("--threads", type=int, help="torch intra-op threads")
    p.add_argument("--device", default="auto", choices=DEVICES, help="where our models train (baselines run on the CPU); auto: CUDA when torch sees a GPU")
    p.add_argument("--splits", default=",".join(SPLITS), help=f"comma list of {SPLITS}")
    p.add_argument("--seeds", type=int, default=3, help="number of seeds (0..n-1) for splits and training")
    p.add_argument("--seed-list", help="comma list of seeds to run instead of 0..seeds-1 (to run parts in parallel and --merge)")
    p.add_argument("--methods", default=",".join(DEFAULT_METHODS), help="comma list of methods")
    p.add_argument("--variant", action="append", default=[], help="extra model: name=preset:section.key=value,... (add name to --methods)")
    p.add_argument("--faithful-epochs", type=int, default=100, help="episodes for gmtrouter-faithful (paper: 350; 512-wide is ~1.8 s/episode here)")
    p.add_argument("--faithful-seeds", type=int, default=1, help="run gmtrouter-faithful on the first N seeds only (time)")
    p.add_argument("--epochs", type=int, help="cap every trained model's episodes (quick runs)")
    p.add_argument("--bootstrap", type=int, default=500, help="bootstrap resamples for CIs")
    p.add_argument("--online-betas", default=",".join(f"{b:g}" for b in ONLINE_BETAS), help=f"beta grid of {ONLINE} (chosen on validation)")
    p.add_argument("--online-kappa", type=float, default=DEFAULT_KAPPA, help=f"kappa of {ONLINE}")
    p.add_argument("--out", type=Path, default=Path("training/results"), help="writes eval.json and eval.md here")
    args = p.parse_args(argv)
    if args.merge:
        report = merge_reports([json.loads(p.read_text()) for p in args.merge], args.bootstrap)
    else:
        try:
            device = resolve_device(args.device)
        except ValueError as e:  # no GPU behind --device cuda: a usage error, not a crash
            p.error(str(e))
        if args.threads:
            torch.set_num_threads(args.threads)
        variants = dict(parse_variant(v) for v in args.variant)
        if args.dataset:
            from .data import Dataset

            ds = Dataset.load(args.dataset)
        else:
            ds = import_mtbench_human(args.mtbench)
        t0 = time.perf_counter()
        report = run_evaluation(
            ds, [s for s in args.splits.split(",") if s], [int(x) for x in args.seed_list.split(",")] if args.seed_list else list(range(args.seeds)), [m for m in args.methods.split(",") if m],
            variants, args.faithful_epochs, args.faithful_seeds, args.epochs, args.bootstrap, log=lambda s: print(s, file=sys.stderr),
            online_betas=[float(b) for b in args.online_betas.split(",") if b], online_kappa=args.online_kappa, device=device,
        )
        report["command"] = "/usr/bin/python3 -m training evaluate " + " ".join(argv if argv is not None else sys.argv[1:])
        report["seconds"] = time.perf_counter() - t0
    table = format_table(report)
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "eval.json").write_text(json.dumps(report, indent=1) + "\n")
    (args.out / "eval.md").write_text(f"Command: `{report['command']}`\n" + table)
    (args.out / "summary.json").write_text(json.dumps(summarize(report), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
