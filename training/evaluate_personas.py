"""``python -m training evaluate-personas``: the persona benchmark over several seeds (training/persona_eval.py).

Per seed: persona users generated with that seed, the shipped recipe trained with that seed
(training/recipe.py), every method's constants chosen on the validation users, then every method scored on
the test users for k = 0, 5, 10, 20 revealed rating events. Writes ``personas.json`` (results and the raw
per-user predictions' summary), ``personas.md`` (tables) and ``personas-cold-start.png`` (AUC against k).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from .config import apply_overrides, get_preset
from .device import DEVICES, describe, resolve_device
from .evaluate import _auc
from .importers import MTBENCH_DIR, import_mtbench_human
from .persona_eval import K_REVEAL, baseline_methods, collect, model_scores
from .personas import describe as describe_bench
from .online import format_sensitivity, sensitivity_check
from .recipe import fit
from .train import parity_user_inputs, save_checkpoint

REFERENCE = "ours"
BASELINES = ("global-bt", "per-user-bt", "query-knn", "global-bt+online")
ORACLE = "persona-oracle"


def _pooled(rows: List[Dict[str, Any]]):
    users = np.array([r["user"] for r in rows for _ in r["labels"]])
    y = np.concatenate([r["labels"] for r in rows])
    d = np.concatenate([r["diffs"] for r in rows])
    return users, y, d


def summarise(rows: List[Dict[str, Any]], n_boot: int = 500, seed: int = 0) -> Dict[str, Any]:
    """AUC with a 95% CI per (method, k), the paired AUC difference to ``ours`` with its CI, the share of the
    global-BT-to-oracle gap that ``ours`` closes, and routing utility per family, all bootstrapped over users."""
    methods = list(dict.fromkeys(r["method"] for r in rows))
    users = sorted({r["user"] for r in rows})
    rng = np.random.default_rng(seed)
    boots = [rng.choice(len(users), len(users), replace=True) for _ in range(n_boot)]
    by = {(r["method"], r["k"], r["user"]): r for r in rows}
    out: Dict[str, Any] = {"auc": {}, "deltaVsOurs": {}, "gapClosed": {}, "utility": {}}
    for k in K_REVEAL:
        per_method = {}
        for m in methods:
            y = [np.asarray(by[(m, k, u)]["labels"]) for u in users]
            d = [np.asarray(by[(m, k, u)]["diffs"]) for u in users]
            per_method[m] = (y, d)

        def auc_of(m, idx):
            y, d = per_method[m]
            return _auc(np.concatenate([y[i] for i in idx]), np.concatenate([d[i] for i in idx]))

        full = np.arange(len(users))
        point = {m: auc_of(m, full) for m in methods}
        samples = {m: np.array([auc_of(m, b) for b in boots]) for m in methods}
        out["auc"][str(k)] = {m: {"auc": point[m], "ci": np.percentile(samples[m], [2.5, 97.5]).tolist()} for m in methods}
        out["deltaVsOurs"][str(k)] = {
            m: {"delta": point[REFERENCE] - point[m], "ci": np.percentile(samples[REFERENCE] - samples[m], [2.5, 97.5]).tolist()}
            for m in methods if m != REFERENCE
        }
        gap = lambda o, g, x: (x - g) / (o - g)  # noqa: E731
        g_samples = gap(samples[ORACLE], samples["global-bt"], samples[REFERENCE])
        out["gapClosed"][str(k)] = {"share": gap(point[ORACLE], point["global-bt"], point[REFERENCE]), "ci": np.percentile(g_samples, [2.5, 97.5]).tolist()}
        util: Dict[str, Dict[str, float]] = {}
        families = sorted({r["family"] for r in rows})
        for m in methods:
            util[m] = {}
            for fam in families + ["all"]:
                sel = [by[(m, k, u)]["utility"] for u in users if fam == "all" or by[(m, k, u)]["family"] == fam]
                routed, rand, best = np.mean(sel, axis=0)
                util[m][fam] = float((routed - rand) / (best - rand))
        out["utility"][str(k)] = util
    return out


def format_report(res: Dict[str, Any]) -> str:
    s = res["summary"]
    methods = list(s["auc"]["0"])
    lines = [f"Command: `{res['command']}`", "", f"Seeds {res['seeds']}; test users per seed: {res['testUsers']}; "
             f"{res['testPairs']} test pairs in all; training {res['trainSeconds']} s per seed on {res['device']}.", "",
             "**Pairwise AUC on held-out users by revealed rating events k** (95% CI, users bootstrapped)", "",
             "| method | " + " | ".join(f"k={k}" for k in K_REVEAL) + " |", "|---" * (len(K_REVEAL) + 1) + "|"]
    for m in methods:
        cells = [f"{s['auc'][str(k)][m]['auc']:.3f} [{s['auc'][str(k)][m]['ci'][0]:.3f}, {s['auc'][str(k)][m]['ci'][1]:.3f}]" for k in K_REVEAL]
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    lines += ["", f"**Paired AUC difference, {REFERENCE} minus each method** (95% CI; excludes 0 when both bounds share a sign)", "",
              "| method | " + " | ".join(f"k={k}" for k in K_REVEAL) + " |", "|---" * (len(K_REVEAL) + 1) + "|"]
    for m in methods:
        if m == REFERENCE:
            continue
        cells = [f"{s['deltaVsOurs'][str(k)][m]['delta']:+.3f} [{s['deltaVsOurs'][str(k)][m]['ci'][0]:+.3f}, {s['deltaVsOurs'][str(k)][m]['ci'][1]:+.3f}]" for k in K_REVEAL]
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    lines += ["", f"**Share of the gap from global-bt to {ORACLE} that {REFERENCE} closes**", "",
              "| k | share [95% CI] |", "|---|---|"]
    for k in K_REVEAL:
        g = s["gapClosed"][str(k)]
        lines.append(f"| {k} | {g['share']:.2f} [{g['ci'][0]:.2f}, {g['ci'][1]:.2f}] |")
    families = [f for f in s["utility"]["10"][REFERENCE]]
    lines += ["", "**Routing utility at k=10**: the persona's utility of the routed model as a fraction of the best model per "
              "question above random (0 = random, 1 = always the best answer)", "",
              "| method | " + " | ".join(families) + " |", "|---" * (len(families) + 1) + "|"]
    for m in methods:
        lines.append(f"| {m} | " + " | ".join(f"{s['utility']['10'][m][f]:.2f}" for f in families) + " |")
    lines += ["", "Constants chosen on validation users per seed: " + json.dumps(res["chosen"])]
    lines += ["", f"**Probe** (seed {res['seeds'][0]}'s router, online layer off): two users rate the same short factual questions "
              "in opposite directions; P(A) over {A, B} for a new factual question, and the model the router picks among all six.", "",
              format_sensitivity(res["sensitivity"])]
    return "\n".join(lines) + "\n"


def plot(res: Dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = res["summary"]
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    for m in s["auc"]["0"]:
        if m == "random":
            continue
        y = [s["auc"][str(k)][m]["auc"] for k in K_REVEAL]
        lo = [s["auc"][str(k)][m]["ci"][0] for k in K_REVEAL]
        hi = [s["auc"][str(k)][m]["ci"][1] for k in K_REVEAL]
        style = "-" if m.startswith("ours") else "--" if "oracle" in m else ":"
        ax.plot(K_REVEAL, y, style, marker="o", label=m, linewidth=2.2 if m == REFERENCE else 1.4)
        ax.fill_between(K_REVEAL, lo, hi, alpha=0.12)
    ax.set_xlabel("ratings revealed by the held-out user (k)")
    ax.set_ylabel("pairwise AUC on the user's other questions")
    ax.set_title("Persona benchmark: cold-start curves (95% CI)")
    ax.set_xticks(K_REVEAL)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def run(seeds: Sequence[int], overrides: Sequence[str], device, folder: Path, checkpoints: Path, log=print) -> Dict[str, Any]:
    rows: List[Dict[str, Any]] = []
    chosen, seconds, test_users, bench_info = {}, [], 0, None
    base = import_mtbench_human(folder)
    for seed in seeds:
        cfg = apply_overrides(get_preset("default"), [f"train.seed={seed}", f"data.persona_seed={seed}", "train.progress=false", *overrides])
        model, info, mixed = fit(base, cfg, device, folder)
        T = mixed.T
        counts = np.bincount(T.it_user, minlength=len(T.users))
        save_checkpoint(checkpoints / f"seed{seed}.pt", model, cfg, T, info, None,
                        parity_user_inputs(T, np.arange(len(T.it_user)), int(np.argsort(counts)[len(counts) // 2])))
        seconds.append(info["trainSeconds"])
        methods, chosen[str(seed)] = baseline_methods(mixed.setup, model_scores(model, mixed.setup))
        chosen[str(seed)]["historyShrink"] = info.get("historyShrink")
        rows += collect(mixed.setup, methods, seed)
        test_users = len(mixed.setup.users("test"))
        bench_info = describe_bench(mixed.bench)
        log(f"seed {seed}: trained in {info['trainSeconds']:.0f} s, best episode {info['bestEpoch']}, history shrink {cfg.model.history_shrink:g}")
    sens = sensitivity_check(checkpoints / f"seed{seeds[0]}.pt", beta=0.0)
    return {"sensitivity": sens, "seeds": list(seeds), "overrides": list(overrides), "device": describe(device), "trainSeconds": round(float(np.mean(seconds)), 1),
            "testUsers": test_users, "testPairs": int(sum(len(r["labels"]) for r in rows if r["method"] == REFERENCE and r["k"] == 0)),
            "bench": bench_info, "chosen": chosen, "summary": summarise(rows)}


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training evaluate-personas", description="Persona benchmark: held-out synthetic users reveal k ratings; ours vs per-user baselines, with CIs.")
    p.add_argument("--seeds", type=int, default=3, help="number of seeds (0..n-1): personas and training")
    p.add_argument("--mtbench", type=Path, default=MTBENCH_DIR, help="MT-Bench human folder (default: the repository's data/mtbench-human)")
    p.add_argument("--device", default="auto", choices=DEVICES, help="where the router trains")
    p.add_argument("--out", type=Path, default=Path("training/results"), help="writes personas.json, personas.md and personas-cold-start.png here")
    p.add_argument("--checkpoints", type=Path, default=Path("training/.cache/checkpoints/personas"), help="writes each seed's router here (seed<N>.pt; seed 0 is the shipped recipe)")
    p.add_argument("overrides", nargs="*", help="section.key=value for the trained router, e.g. train.epochs=100")
    args = p.parse_args(argv)
    if args.seeds < 1:
        p.error(f"--seeds={args.seeds}: need at least 1")
    try:
        device = resolve_device(args.device)
        apply_overrides(get_preset("default"), args.overrides)
    except ValueError as e:
        p.error(str(e))
    t0 = time.perf_counter()
    res = run(list(range(args.seeds)), args.overrides, device, args.mtbench, args.checkpoints, log=lambda s: print(s, file=sys.stderr))
    res["command"] = "/usr/bin/python3 -m training evaluate-personas " + " ".join(argv if argv is not None else sys.argv[1:])
    res["seconds"] = round(time.perf_counter() - t0, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "personas.json").write_text(json.dumps(res, indent=1) + "\n")
    report = format_report(res)
    (args.out / "personas.md").write_text(report)
    plot(res, args.out / "personas-cold-start.png")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
