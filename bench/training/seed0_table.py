"""Seed-0-only comparison (the only seed GMTRouter-faithful ran on), from training/results/eval-predictions.json.gz.
Usage: /usr/bin/python3 bench/training/seed0_table.py"""
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from training.evaluate import compute_results, format_table  # noqa: E402

preds = json.load(gzip.open(ROOT / "training/results/eval-predictions.json.gz", "rt"))
methods = ["global-bt", "per-category-bt", "query-knn", "mf-routellm", "ours", "gmtrouter-faithful"]
sel = [p for p in preds if p["seed"] == 0 and p["method"] in methods]
print(format_table({"methods": methods, "results": compute_results(sel, 500)}))
