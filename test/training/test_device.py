"""--device auto|cpu|cuda: resolution, and on a CUDA machine the same training as on the CPU."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from conftest import test_config
from training.device import resolve_device
from training.evaluate import make_split
from training.train import auc, load_checkpoint, main as train_main, model_device, predict_diffs, save_checkpoint, train_model

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU")


def test_unknown_device_names_the_value():
    with pytest.raises(ValueError, match="--device 'tpu'"):
        resolve_device("tpu")


def test_auto_falls_back_to_cpu_and_cuda_refuses_without_a_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == torch.device("cpu")
    assert resolve_device("cpu") == torch.device("cpu")
    with pytest.raises(ValueError, match="--device cuda"):
        resolve_device("cuda")


def test_train_cli_rejects_an_unknown_device(capsys):
    with pytest.raises(SystemExit):
        train_main(["--device", "tpu"])
    assert "--device" in capsys.readouterr().err


@needs_cuda
def test_same_weights_predict_the_same_on_cuda_and_cpu(mtbench_T):
    T = mtbench_T
    sp = make_split(T, "within_user", seed=0)
    cpu_model, _ = train_model(T, test_config(epochs=5, eval_every=5), sp.train, sp.val)
    gpu_model = copy.deepcopy(cpu_model).to("cuda")
    visible, pairs = sp.tests["test"]
    np.testing.assert_allclose(predict_diffs(gpu_model, T, visible, pairs), predict_diffs(cpu_model, T, visible, pairs), atol=1e-4)


@needs_cuda
def test_cuda_training_learns_like_cpu_and_its_checkpoint_loads_on_cpu(mtbench_T, tmp_path):
    """Not bit-identical: CUDA draws other dropout masks and sums index_add in another order, so the
    two runs agree in quality (AUC), not in every score."""
    T = mtbench_T
    sp = make_split(T, "within_user", seed=0)
    cfg = test_config(epochs=60, eval_every=20)
    visible, pairs = sp.tests["test"]
    y = T.pair_label[pairs]
    cpu_model, _ = train_model(T, cfg, sp.train, sp.val)
    gpu_model, info = train_model(T, cfg, sp.train, sp.val, device=torch.device("cuda"))
    assert model_device(gpu_model).type == "cuda" and info["valAuc"] > 0.7
    on_gpu = predict_diffs(gpu_model, T, visible, pairs)
    assert abs(auc(y, on_gpu) - auc(y, predict_diffs(cpu_model, T, visible, pairs))) < 0.03
    save_checkpoint(tmp_path / "m.pt", gpu_model, cfg, T, info)
    _, back = load_checkpoint(tmp_path / "m.pt")
    assert model_device(back).type == "cpu"
    np.testing.assert_allclose(predict_diffs(back, T, visible, pairs), on_gpu, atol=1e-4)
