"""Argument checks shared by every public function of nnbook.

One rule throughout: a value of the wrong *type* raises ``TypeError``; a value of the
right type that breaks the rule raises ``ValueError``. Both messages name the argument,
the rule and the value received. Internal helpers trust their callers and check nothing.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np


def check_positive_int(name: str, value, allow_none: bool = False) -> int | None:
    """Return ``value`` as an int; it must be an integer >= 1 (or None when allowed)."""
    if allow_none and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral):
        rule = "a positive int or None" if allow_none else "a positive int"
        raise TypeError(f"{name} must be {rule}, got {type(value).__name__} {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value}")
    return int(value)


def check_number(name: str, value, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False) -> float:
    """Return ``value`` as a finite float in ``[low, high]`` (an open end with ``*_open=True``)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if low is not None and (value <= low if low_open else value < low):
        raise ValueError(f"{name} must be {'>' if low_open else '>='} {low:g}, got {value:g}")
    if high is not None and (value >= high if high_open else value > high):
        raise ValueError(f"{name} must be {'<' if high_open else '<='} {high:g}, got {value:g}")
    return value


def check_probability(name: str, value, allow_one: bool = True) -> float:
    """Return ``value`` as a float in [0, 1] (in [0, 1) when ``allow_one`` is False)."""
    return check_number(name, value, low=0.0, high=1.0, high_open=not allow_one)


def check_choice(name: str, value, choices) -> str:
    """Return ``value`` when it is one of ``choices`` (strings); otherwise name them all."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {sorted(choices)}, got {type(value).__name__} {value!r}")
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {sorted(choices)}")
    return value


def check_seed(name: str, value) -> int:
    """Return ``value`` as an int seed in [0, 2**32), the range NumPy, PyTorch and scikit-learn all accept."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if not 0 <= value < 2**32:
        raise ValueError(f"{name} must be in [0, 2**32), got {value}")
    return int(value)


def check_type(name: str, value, types, rule: str, allow_none: bool = False):
    """Return ``value`` when it is an instance of ``types`` (or None when allowed).

    rule: what ``value`` must be, in words, for the message, e.g. ``"a torch.nn.Module"``.
    Pass ``collections.abc.Callable`` as ``types`` for functions.
    """
    if (allow_none and value is None) or isinstance(value, types):
        return value
    rule = f"{rule} or None" if allow_none else rule
    raise TypeError(f"{name} must be {rule}, got {type(value).__name__}")


def check_array(name: str, value, ndim: int | None = None, layout: str = "") -> np.ndarray:
    """Return ``value`` as a NumPy array of real numbers with ``ndim`` dimensions.

    layout: how the dimensions are meant, for the message, e.g. ``"(n, C, H, W)"``.
    """
    if not isinstance(value, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(value).__name__}")
    if not (np.issubdtype(value.dtype, np.floating) or np.issubdtype(value.dtype, np.integer)):
        raise TypeError(f"{name} must hold real numbers, got dtype {value.dtype}")
    if ndim is not None and value.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D {layout}".rstrip() + f", got shape {value.shape}")
    return value
