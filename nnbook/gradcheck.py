"""Gradient checking: compare backpropagation's gradients with central finite differences.

The rule (stated in Chapter 1, used in Chapter 3 to verify nnbook.numpy_net): in float64 with central
differences (delta = 1e-6), an analytic entry a and a numeric entry n agree when |a - n| < ATOL or
|a - n| / (|a| + |n|) < RTOL; a gradient passes when every entry agrees (gradients_match).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnbook.checks import check_array, check_number, check_type
from nnbook.numpy_net import MLP

__all__ = ["RTOL", "ATOL", "numerical_gradient", "relative_error", "gradients_match", "check_gradients"]

RTOL = 1e-5  # relative: |a - n| / (|a| + |n|) below this is agreement
ATOL = 1e-8  # absolute: central differences with delta = 1e-6 carry noise of about 1e-10 in float64


def numerical_gradient(f: Callable[[], float], x: np.ndarray, delta: float = 1e-6) -> np.ndarray:
    """Central differences (f(x + delta e_i) - f(x - delta e_i)) / (2 delta) for every entry i of x.

    delta is the finite-difference step, written δ in the book (Chapters 1 and 3).

    f: a function of no arguments that reads x (for example a network's loss on fixed data).
    x: the float array to perturb; it is changed in place entry by entry and restored.
    Returns an array of x's shape holding df/dx.
    """
    check_type("f", f, Callable, "a function of no arguments returning a float")
    check_array("x", x)
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float array (it is perturbed in place), got dtype {x.dtype}")
    if not x.flags.c_contiguous:
        raise ValueError("x must be C-contiguous so that it can be perturbed in place")
    delta = check_number("delta", delta, low=0.0, low_open=True)
    grad = np.zeros(x.shape, dtype=np.float64)
    flat = x.reshape(-1)  # a view: writing to it changes x
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + delta
        f_plus = float(f())
        flat[i] = original - delta
        f_minus = float(f())
        flat[i] = original  # restore
        grad.flat[i] = (f_plus - f_minus) / (2 * delta)
    return grad


def relative_error(a, b, floor: float = 1e-8) -> float:
    """The largest element-wise relative difference max_i |a_i - b_i| / max(|a_i| + |b_i|, floor).

    0 when a equals b, about 1 when they are unrelated. Each entry is measured against its own size,
    so an error in a small entry is not hidden by a large one; entries below `floor` in size are
    compared in absolute terms (|a_i - b_i| / floor), so that two tiny numbers do not count as different.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    floor = check_number("floor", floor, low=0.0, low_open=True)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)))


def gradients_match(analytic, numeric, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """True when every entry agrees: |a - n| < atol (absolute) or |a - n| / (|a| + |n|) < rtol (relative).

    The book's one gradient-check rule (Chapter 1). The absolute test lets an entry whose true value is 0
    pass although finite-difference noise (about 1e-10) makes its relative error large; the relative test
    lets a large entry pass although its absolute rounding error exceeds atol.
    analytic, numeric: arrays of the same shape (float64 for the default tolerances).
    """
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic and numeric must have the same shape, got {a.shape} and {n.shape}")
    rtol = check_number("rtol", rtol, low=0.0, low_open=True)
    atol = check_number("atol", atol, low=0.0)
    gap = np.abs(a - n)
    size = np.abs(a) + np.abs(n)
    relative_ok = gap < rtol * size   # |a - n| / (|a| + |n|) < rtol, without dividing by 0
    return bool(np.all((gap < atol) | relative_ok))


def check_gradients(net: MLP, X, y, l2: float = 0.0, delta: float = 1e-6) -> dict[str, float]:
    """{"W1": error, "b1": ..., ...}: relative_error of net.gradients(X, y, l2) vs finite differences of net.loss.

    net: an nnbook.numpy_net.MLP (use dtype="float64": float32 is too coarse for delta=1e-6).
    X: (n, n_in); y as for net.loss.
    """
    check_type("net", net, MLP, "an nnbook.numpy_net.MLP")
    _, grads = net.gradients(X, y, l2=l2)
    errors = {}
    for name, P in net.params.items():
        numeric = numerical_gradient(lambda: net.loss(X, y, l2=l2), P, delta=delta)
        errors[name] = relative_error(grads[name], numeric)
    return errors
