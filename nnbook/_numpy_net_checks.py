"""Argument checks of nnbook.numpy_net: each raises an error naming the rule and the value received.

Kept apart from the network's math (nnbook.numpy_net, nnbook._numpy_net_parts) so that it reads cleanly.
"""

from __future__ import annotations

import math

import numpy as np


def check_choice(what: str, value, table: dict, allow_none: bool = False) -> None:
    """Raise a ValueError naming the valid choices when `value` is not a key of `table`."""
    if allow_none and value is None:
        return
    if not isinstance(value, str) or value not in table:
        raise ValueError(f"unknown {what} {value!r}; choose one of {sorted(table)}")


def check_number(what: str, value, low: float | None = None, high: float | None = None,
                 strict: bool = False) -> float:
    """Return `value` as a float; it must be >= low (> low if strict) and < high."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{what} must be a number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{what} must be finite, got {value}")
    if low is not None and (value <= low if strict else value < low):
        raise ValueError(f"{what} must be {'>' if strict else '>='} {low:g}, got {value:g}")
    if high is not None and value >= high:
        raise ValueError(f"{what} must be < {high:g}, got {value:g}")
    return value


def check_int(what: str, value, allow_none: bool = False) -> None:
    """Raise a ValueError unless `value` is a positive int (or None when allowed)."""
    if allow_none and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        extra = " or None (full batch)" if allow_none else ""
        raise ValueError(f"{what} must be a positive int{extra}, got {value!r}")


def check_hyperparameters(lr, num_epochs, batch_size, l2, weight_decay, momentum, betas, eps,
                          lr_schedule, seed) -> tuple:
    """Check train()'s settings; return (lr, l2, weight_decay, momentum, betas, eps) as floats."""
    check_choice("lr_schedule", lr_schedule, {"cosine": None}, allow_none=True)
    lr = check_number("lr", lr, low=0.0, strict=True)
    check_int("num_epochs", num_epochs)
    check_int("batch_size", batch_size, allow_none=True)
    l2 = check_number("l2", l2, low=0.0)
    weight_decay = check_number("weight_decay", weight_decay, low=0.0)
    momentum = check_number("momentum", momentum, low=0.0, high=1.0)
    if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    betas = tuple(check_number("betas", beta, low=0.0, high=1.0) for beta in betas)
    eps = check_number("eps", eps, low=0.0, strict=True)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, got {type(seed).__name__} {seed!r}")
    return lr, l2, weight_decay, momentum, betas, eps


def check_X(X, n_in: int, dtype) -> np.ndarray:
    """X as a (n, n_in) array of `dtype`, checked."""
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
    if X.shape[1] != n_in:
        raise ValueError(f"X must have {n_in} columns (n_in of the network), got shape {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"X must have at least one row, got shape {X.shape}")
    if not (np.issubdtype(X.dtype, np.number) or X.dtype == bool):
        raise TypeError(f"X must hold numbers, got dtype {X.dtype}")
    return np.asarray(X, dtype=dtype)


def check_y(y, n: int, loss: str, n_out: int, dtype) -> np.ndarray:
    """y in the form the loss works with: (n,) int labels (cross_entropy) or (n, n_out) floats."""
    y = np.asarray(y)
    if not (np.issubdtype(y.dtype, np.number) or y.dtype == bool):
        raise TypeError(f"y must hold numbers, got dtype {y.dtype}")
    if loss == "cross_entropy":
        if y.shape != (n,):
            raise ValueError(f"y must have shape ({n},) (one integer label per row of X) "
                             f"for loss='cross_entropy', got shape {y.shape}")
        return as_labels(y, n_out)
    if loss == "bce":
        if y.shape not in ((n,), (n, 1)):
            raise ValueError(f"y must have shape ({n},) or ({n}, 1) for loss='bce', got shape {y.shape}")
        if not np.all((y == 0) | (y == 1)):
            bad = y[(y != 0) & (y != 1)].ravel()[:5]
            raise ValueError(f"y must hold labels in {{0, 1}} for loss='bce', got values such as {bad}")
        return y.reshape(n, 1).astype(dtype)
    if y.shape != (n, n_out) and not (n_out == 1 and y.shape == (n,)):  # mse
        want = f"({n}, {n_out})" + (f" or ({n},)" if n_out == 1 else "")
        raise ValueError(f"y must have shape {want} for loss='mse', got shape {y.shape}")
    return y.reshape(n, n_out).astype(dtype)


def as_labels(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Integer class labels (n,) in [0, n_classes), checked; returned as np.intp."""
    if y.dtype == bool or not np.all(np.mod(y, 1) == 0):
        raise ValueError(f"y must hold integer class labels for loss='cross_entropy', got dtype {y.dtype} "
                         f"with values such as {y.ravel()[:5]}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"y labels must be in [0, {n_classes}) for loss='cross_entropy' with "
                         f"n_out={n_classes}, got min {y.min()}, max {y.max()}")
    return y.astype(np.intp)
