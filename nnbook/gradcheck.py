"""Gradient checking: compare backpropagation's gradients with central finite differences.

Introduced in Chapter 3 to verify nnbook.numpy_net; works for any scalar function of an array.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from nnbook.checks import check_array, check_number, check_type
from nnbook.numpy_net import MLP

__all__ = ["numerical_gradient", "relative_error", "check_gradients"]


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
