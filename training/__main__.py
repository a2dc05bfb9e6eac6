"""``python -m training {import,train,evaluate,evaluate-personas,export,split-app} [--help]``."""

from __future__ import annotations

import sys
from typing import Optional, Sequence

COMMANDS = {
    "import": "training.importers",
    "train": "training.train",
    "evaluate": "training.evaluate",
    "evaluate-personas": "training.evaluate_personas",
    "export": "training.export_onnx",
    "split-app": "training.app_split",
}


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        print("usage: python -m training {import,train,evaluate,evaluate-personas,export,split-app} [--help]\n")
        print("  import    convert MT-Bench / GMTRouter JSONL / app export into a dataset file")
        print("  train     train a router and write a checkpoint")
        print("  evaluate  MT-Bench human evaluation: splits x seeds, ours vs baselines")
        print("  evaluate-personas  persona benchmark: held-out synthetic users reveal k ratings, ours vs per-user baselines")
        print("  export    checkpoint -> user_encoder.onnx, scorer.onnx, manifest.json, parity.json")
        print("  split-app  app dataset -> training set + held-out newest data of each user (in-app retraining)")
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    import importlib

    module = importlib.import_module(COMMANDS[argv[0]])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
