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


def check_rows(name: str, value, n_columns: int, columns: str = "") -> np.ndarray:
    """Return ``value`` as a 2-D array of real numbers with ``n_columns`` columns and at least one row.

    columns: what the number of columns is, for the message, e.g. ``"n_in of the network"``.
    """
    value = check_array(name, value, ndim=2, layout="(n_samples, n_features)")
    if value.shape[1] != n_columns:
        raise ValueError(f"{name} must have {n_columns} columns" + (f" ({columns})" if columns else "")
                         + f", got shape {value.shape}")
    if len(value) == 0:
        raise ValueError(f"{name} must have at least one row, got shape {value.shape}")
    return value


def check_labels(name: str, value, n: int, num_classes: int, context: str = "") -> np.ndarray:
    """Return ``value`` as ``n`` integer class labels in [0, num_classes), an (n,) array of np.intp.

    context: where the rule comes from, for the message, e.g. ``"for loss='cross_entropy'"``.
    """
    value = check_array(name, value)
    context = f" {context}" if context else ""
    if value.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) (one integer label per row){context}, "
                         f"got shape {value.shape}")
    if not np.all(value == np.round(value)):
        raise ValueError(f"{name} must hold integer class labels{context}, "
                         f"got values such as {value[value != np.round(value)][:5]}")
    if n and (value.min() < 0 or value.max() >= num_classes):
        raise ValueError(f"{name} labels must be in [0, {num_classes}){context}, "
                         f"got min {value.min()}, max {value.max()}")
    return value.astype(np.intp)
