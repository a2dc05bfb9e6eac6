"""Where training and evaluation run (``--device auto|cpu|cuda``).

Data stay numpy on the host; each episode's graph and pair tensors are copied to the device, the model
lives there, and predictions come back as numpy. Checkpoints are always written with CPU tensors so an
export or a CPU-only machine can load them.
"""

from __future__ import annotations

import torch

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(name: str) -> torch.device:
    """auto = CUDA when torch sees a GPU, else CPU; cuda without a usable GPU is an error, not a fallback."""
    if name not in DEVICES:
        raise ValueError(f"--device {name!r}: expected one of {DEVICES}")
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"--device cuda: torch {torch.__version__} sees no CUDA GPU (built with CUDA {torch.version.cuda})")
    return torch.device(name)


def describe(device: torch.device) -> str:
    """e.g. ``cuda (NVIDIA H100 80GB HBM3)`` or ``cpu (2 threads)``, for logs and timing records."""
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    threads = torch.get_num_threads()
    return f"cpu ({threads} thread{'s' if threads != 1 else ''})"
