"""Reproducible runs on any hardware: seed every random generator, choose the device.

Introduced in Chapter 1 and used by every chapter after it.
"""

from __future__ import annotations

import os
import random

import numpy as np

from nnbook.checks import check_choice, check_seed


def seed_everything(seed: int, deterministic: bool = False) -> np.random.Generator:
    """Seed Python's ``random``, NumPy and PyTorch with ``seed``; return a NumPy Generator.

    seed: a non-negative integer below 2**32.
    deterministic: also ask PyTorch for deterministic kernels (``torch.use_deterministic_algorithms``,
        cuDNN without autotuning). On the CPU a seeded rerun repeats bit for bit anyway. On a GPU it
        does not by default: some kernels (cuDNN's convolution backward, ``AdaptiveAvgPool2d``'s
        backward, atomic additions) add in a varying order, so reruns differ in the last bits and then
        drift apart over many steps. ``deterministic=True`` fixes that at a cost: slower kernels, and
        an error for an operation that has no deterministic version. The book leaves it off.
    Returns ``np.random.default_rng(seed)`` so that a chapter can pass ``rng=`` on.
    """
    seed = check_seed("seed", seed)
    random.seed(seed)
    np.random.seed(seed)
    import torch  # imported here so that `import nnbook.reproducibility` stays cheap

    torch.manual_seed(seed)  # seeds the CPU and every CUDA device
    if deterministic:
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # cuBLAS needs it for repeatable sums
        torch.use_deterministic_algorithms(True)
        torch.backends.cudnn.deterministic = True
        torch.backends.cudnn.benchmark = False
    return np.random.default_rng(seed)


def get_device(prefer: str | None = None):
    """Return the ``torch.device`` to train on: CUDA when present, else the CPU.

    prefer: ``None`` (choose), ``"cpu"`` or ``"cuda"``. Asking for ``"cuda"`` on a
    machine without a GPU raises an error instead of silently using the CPU.
    """
    import torch

    if prefer is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    check_choice("prefer", prefer, ("cpu", "cuda"))
    if prefer == "cuda" and not torch.cuda.is_available():
        raise ValueError("prefer='cuda' but no CUDA device is available on this machine; use prefer=None")
    return torch.device(prefer)
