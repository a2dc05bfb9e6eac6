"""CLI: every subcommand has --help; bad input fails with a message naming the problem; no side effects on import."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT

PY = sys.executable


def _run(*args):
    return subprocess.run([PY, "-m", "training", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("cmd", ["import", "train", "evaluate", "export"])
def test_help(cmd):
    r = _run(cmd, "--help")
    assert r.returncode == 0 and "usage: python -m training " + cmd in r.stdout


def test_top_level_usage():
    assert _run("--help").returncode == 0
    assert _run("bogus").returncode == 2


def test_import_app_export_cli(tmp_path):
    out = tmp_path / "app.dataset.json"
    r = _run("import", "app", "--in", str(FIXTURES / "app-export-sample.jsonl"), "--out", str(out), "--no-embed")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["interactions"] == 7 and out.exists()


def test_import_bad_file_reports_line(tmp_path):
    p = tmp_path / "bad.jsonl"
    p.write_text((FIXTURES / "app-export-sample.jsonl").read_text().replace('"rating": 0.75', '"rating": 7.5'))
    r = _run("import", "app", "--in", str(p), "--out", str(tmp_path / "x.json"), "--no-embed")
    assert r.returncode != 0 and "bad.jsonl:6: field 'rating': 7.5 not in [0,1]" in r.stderr


def test_train_bad_override_fails_fast():
    r = _run("train", "model.hidden=30")
    assert r.returncode != 0 and "model.hidden=30" in r.stderr


def test_modules_import_without_side_effects():
    for name in ("config", "data", "importers", "graph", "model", "train", "evaluate", "baselines", "export_onnx", "embed", "catalog"):
        importlib.import_module(f"training.{name}")
    assert not (ROOT / "training" / "results" / "should-not-exist").exists()
