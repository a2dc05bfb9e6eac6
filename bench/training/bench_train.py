"""Training-time benchmark of the shipped recipe (MT-Bench human + persona users, default config unless
overridden; training/recipe.py).

Prints wall-clock seconds for: building tensors (personas generated, embeddings from the cache), a global
Bradley-Terry fit over all pairs (baseline reference measured in the same run), one training episode, and the
full training run with model selection, plus the ratios. Usage (from the repo root):

    /usr/bin/python3 bench/training/bench_train.py [--config default] [--device auto|cpu|cuda] [section.key=value ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from training.baselines import GlobalBT  # noqa: E402
from training.config import apply_overrides, get_preset  # noqa: E402
from training.device import DEVICES, describe, resolve_device  # noqa: E402
from training.importers import MTBENCH_DIR, import_mtbench_human  # noqa: E402
from training.recipe import fit, mix  # noqa: E402
from training.train import train_model  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", default="default")
    p.add_argument("--mtbench", type=Path, default=MTBENCH_DIR)
    p.add_argument("--device", default="auto", choices=DEVICES)
    p.add_argument("overrides", nargs="*")
    args = p.parse_args(argv)
    device = resolve_device(args.device)
    cfg = apply_overrides(get_preset(args.config), args.overrides + ["train.progress=false"])
    base = import_mtbench_human(args.mtbench)
    t = time.perf_counter()
    mixed = mix(base, cfg, args.mtbench)
    t_data = time.perf_counter() - t
    T = mixed.T
    groups = np.arange(len(T.groups))
    t = time.perf_counter()
    GlobalBT().fit(T, groups, groups[:0])
    t_bt = time.perf_counter() - t
    one = apply_overrides(get_preset(args.config), args.overrides + ["train.progress=false", "train.epochs=1"])
    t = time.perf_counter()
    train_model(T, one, groups, groups[:0], device=device)  # also pays CUDA's one-time start-up, outside the full run
    t_epoch = time.perf_counter() - t
    t = time.perf_counter()
    _, info, _ = fit(base, cfg, device, args.mtbench)  # the shipped recipe, data preparation included
    t_full = time.perf_counter() - t
    res = {
        "config": cfg.name, "epochs": cfg.train.epochs, "device": describe(device), "torch": torch.__version__, "torchThreads": torch.get_num_threads(),
        "dataSeconds": round(t_data, 2), "globalBtFitSeconds": round(t_bt, 3), "oneEpisodeSeconds": round(t_epoch, 3),
        "fullTrainingSeconds": round(t_full, 1), "fullOverGlobalBt": round(t_full / max(t_bt, 1e-9), 1),
        "fullOverOneEpisode": round(t_full / max(t_epoch, 1e-9), 1), "valAuc": round(info["valAuc"], 4),
    }
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
