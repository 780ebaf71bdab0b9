"""Reproducible runs on any hardware: seed every random generator, choose the device.

Introduced in Chapter 1 and used by every chapter after it.
"""

from __future__ import annotations

import random

import numpy as np


def seed_everything(seed: int) -> np.random.Generator:
    """Seed Python's ``random``, NumPy and PyTorch with ``seed``; return a NumPy Generator.

    seed: a non-negative integer below 2**32.
    Returns ``np.random.default_rng(seed)`` so that a chapter can pass ``rng=`` on.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__} {seed!r}")
    if not 0 <= seed < 2**32:
        raise ValueError(f"seed must be in [0, 2**32), got {seed}")
    seed = int(seed)
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
    if not isinstance(prefer, str):
        raise TypeError(f"prefer must be None or a string, got {type(prefer).__name__} {prefer!r}")
    if prefer not in ("cpu", "cuda"):
        raise ValueError(f"prefer must be None, 'cpu' or 'cuda', got {prefer!r}")
    if prefer == "cuda" and not torch.cuda.is_available():
        raise ValueError("prefer='cuda' but no CUDA device is available on this machine; use prefer=None")
    return torch.device(prefer)
