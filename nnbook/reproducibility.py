"""Reproducible runs on any hardware: seed every random generator, choose the device.

Introduced in Chapter 1 and used by every chapter after it.
"""

from __future__ import annotations

import random

import numpy as np

from nnbook.checks import check_choice, check_seed


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python's ``random``, NumPy and PyTorch with ``seed``; return a NumPy Generator.

    seed: a non-negative integer below 2**32.
    Returns ``np.random.default_rng(seed)`` so that a chapter can pass ``rng=`` on.
    """
    seed = check_seed("seed", seed)
    random.seed(seed)
    np.random.seed(seed)
    import torch  # imported here so that `import nnbook.reproducibility` stays cheap

    torch.manual_seed(seed)  # seeds the CPU and every CUDA device
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
