"""Gradient checking: compare backpropagation's gradients with central finite differences.

Introduced in Chapter 3 to verify nnbook.numpy_net; works for any scalar function of an array.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = ["numerical_gradient", "relative_error", "check_gradients"]


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) for every entry i of x.

    f: a function of no arguments that reads x (for example a network's loss on fixed data).
    x: the float array to perturb; it is changed in place entry by entry and restored.
    Returns an array of x's shape holding df/dx.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of no arguments returning a float, got {type(f).__name__}")
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float ndarray (perturbed in place), got {type(x).__name__} "
                        f"{getattr(x, 'dtype', '')}")
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not eps > 0:
        raise ValueError(f"eps must be a positive number, got {eps!r}")
    if not x.flags.c_contiguous:
        raise ValueError("x must be C-contiguous so that it can be perturbed in place")
    grad = np.zeros(x.shape, dtype=np.float64)
    flat = x.reshape(-1)  # a view: writing to it changes x
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        f_plus = float(f())
        flat[i] = original - eps
        f_minus = float(f())
        flat[i] = original  # restore
        grad.flat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """max |a - b| / max(|a| + |b|, tiny), maxima over all entries: 0 when equal, ~1 when unrelated."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    scale = max(float(np.max(np.abs(a) + np.abs(b))), np.finfo(np.float64).tiny)
    return float(np.max(np.abs(a - b)) / scale)


def check_gradients(net, X, y, l2: float = 0.0, eps: float = 1e-6) -> dict[str, float]:
    """{"W1": rel_err, "b1": ..., ...}: net.gradients(X, y, l2) vs finite differences of net.loss.

    net: an nnbook.numpy_net.MLP (use dtype="float64": float32 is too coarse for eps=1e-6).
    X: (n, n_in); y as for net.loss.
    """
    if not hasattr(net, "gradients") or not hasattr(net, "params"):
        raise TypeError(f"net must be an nnbook.numpy_net.MLP, got {type(net).__name__}")
    _, grads = net.gradients(X, y, l2=l2)
    errors = {}
    for name, P in net.params.items():
        numeric = numerical_gradient(lambda: net.loss(X, y, l2=l2), P, eps=eps)
        errors[name] = relative_error(grads[name], numeric)
    return errors
