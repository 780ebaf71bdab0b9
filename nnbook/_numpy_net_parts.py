"""The pieces nnbook.numpy_net is assembled from: activations, losses, initialisations, optimisers.

Chapter 3 derives each formula. Every function works in place on arrays it is given
(`out=`) so that training reuses memory from step to step; shapes are (n, n_l), batches are rows.
"""

from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np


# ----- memory reuse --------------------------------------------------------------------------
def buffer(store: dict, name: str, shape: tuple, dtype) -> np.ndarray:
    """store[name] if it already has this shape, else a new uninitialised array kept in store."""
    array = store.get(name)
    if array is None or array.shape != shape or array.dtype != dtype:
        array = store[name] = np.empty(shape, dtype=dtype)
    return array


# ----- activations: forward A = f(Z), backward dZ = dA * f'(Z) (in place on dA) -------------------
class Activation(NamedTuple):
    forward: Callable  # (Z, out) -> A
    backward: Callable  # (dA, Z, A) -> dZ, computed in place in dA


def sigmoid(Z, out):
    """sigma(z) = 1 / (1 + e^{-z}) = (1 + tanh(z / 2)) / 2, the second form never overflows."""
    np.multiply(Z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1.0
    out *= 0.5
    return out


def sigmoid_backward(dA, Z, A):
    dA *= A * (1.0 - A)  # sigma'(z) = sigma(z) (1 - sigma(z))
    return dA


def tanh(Z, out):
    return np.tanh(Z, out=out)


def tanh_backward(dA, Z, A):
    dA *= 1.0 - A * A  # tanh'(z) = 1 - tanh(z)^2
    return dA


def relu(Z, out):
    return np.maximum(Z, 0.0, out=out)


def relu_backward(dA, Z, A):
    dA *= Z > 0  # relu'(z) = 1 if z > 0 else 0
    return dA


LEAKY_SLOPE = 0.01


def leaky_relu(Z, out):
    np.multiply(Z, LEAKY_SLOPE, out=out)
    return np.maximum(Z, out, out=out)  # max(z, 0.01 z)


def leaky_relu_backward(dA, Z, A):
    dA *= np.where(Z > 0, 1.0, LEAKY_SLOPE).astype(dA.dtype)  # leaky_relu'(z) = 1 or 0.01
    return dA


ACTIVATIONS = {
    "sigmoid": Activation(sigmoid, sigmoid_backward),
    "tanh": Activation(tanh, tanh_backward),
    "relu": Activation(relu, relu_backward),
    "leaky_relu": Activation(leaky_relu, leaky_relu_backward),
}


# ----- losses: output y_hat = g(Z_L), value from the logits Z_L, delta dZ_L, correct count --------
class Loss(NamedTuple):
    output: Callable  # (Z, out) -> y_hat
    value: Callable  # (Z, y) -> mean loss (float), computed from the logits for stability
    delta: Callable  # (y_hat, y, out) -> dZ_L = dLoss/dZ_L
    n_correct: Callable | None  # (y_hat, y) -> number of correct predictions


def identity(Z, out):
    return Z


def mse_value(Z, y):
    return float(np.mean(np.square(Z - y)))  # mean over all n * n_out entries (like torch MSELoss)


def mse_delta(y_hat, y, out):
    np.subtract(y_hat, y, out=out)
    out *= 2.0 / out.size  # dZ_L = 2 (y_hat - y) / (n * n_out)
    return out


def bce_value(Z, y):
    # -[y log sigma(z) + (1 - y) log(1 - sigma(z))] = max(z, 0) - z y + log(1 + e^{-|z|})
    return float(np.mean(np.maximum(Z, 0.0) - Z * y + np.log1p(np.exp(-np.abs(Z)))))


def bce_delta(y_hat, y, out):
    np.subtract(y_hat, y, out=out)
    out *= 1.0 / out.shape[0]  # dZ_L = (y_hat - y) / n
    return out


def bce_correct(y_hat, y):
    return int(np.count_nonzero((y_hat >= 0.5) == (y == 1)))


def softmax(Z, out):
    """softmax(z)_k = e^{z_k - max z} / sum_j e^{z_j - max z}; subtracting the row max avoids overflow."""
    np.subtract(Z, Z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)
    return out


def cross_entropy_value(Z, y):
    # -log softmax(z)_y = log sum_j e^{z_j} - z_y, with the max subtracted inside the log-sum-exp
    Z_max = Z.max(axis=1)
    log_sum_exp = Z_max + np.log(np.exp(Z - Z_max[:, None]).sum(axis=1))
    return float(np.mean(log_sum_exp - Z[np.arange(len(y)), y]))


def cross_entropy_delta(y_hat, y, out):
    np.copyto(out, y_hat)
    out[np.arange(len(y)), y] -= 1.0  # y_hat - one_hot(y)
    out *= 1.0 / out.shape[0]  # dZ_L = (y_hat - Y) / n
    return out


def cross_entropy_correct(y_hat, y):
    return int(np.count_nonzero(y_hat.argmax(axis=1) == y))


LOSSES = {
    "mse": Loss(identity, mse_value, mse_delta, None),
    "bce": Loss(sigmoid, bce_value, bce_delta, bce_correct),
    "cross_entropy": Loss(softmax, cross_entropy_value, cross_entropy_delta, cross_entropy_correct),
}


# ----- initialisations: W of shape (n_in, n_out), drawn in float64 ----------------------------
INITS = {
    "xavier": lambda rng, n_in, n_out: rng.normal(0.0, math.sqrt(2.0 / (n_in + n_out)), (n_in, n_out)),
    "he": lambda rng, n_in, n_out: rng.normal(0.0, math.sqrt(2.0 / n_in), (n_in, n_out)),
    "normal": lambda rng, n_in, n_out: rng.normal(0.0, 1.0, (n_in, n_out)),
    "zeros": lambda rng, n_in, n_out: np.zeros((n_in, n_out)),
}


# ----- optimisers: update params in place from grads; `state` persists between steps --------------
def _decay(params, lr, weight_decay):
    """Decoupled weight decay (AdamW): W <- W - lr * weight_decay * W, weights only."""
    if weight_decay:
        for name, P in params.items():
            if name[0] == "W":
                P *= 1.0 - lr * weight_decay


def _scratch(state, name, P):
    """An array shaped like P kept in the optimiser state (grads are never overwritten)."""
    key = "tmp_" + name
    if key not in state or state[key].shape != P.shape:
        state[key] = np.empty_like(P)
    return state[key]


def sgd_step(params, grads, state, lr, weight_decay=0.0, **_):
    """W <- W - lr * dW."""
    _decay(params, lr, weight_decay)
    for name, P in params.items():
        P -= np.multiply(grads[name], lr, out=_scratch(state, name, P))


def momentum_step(params, grads, state, lr, momentum=0.9, weight_decay=0.0, **_):
    """v <- momentum * v + dW;  W <- W - lr * v   (as torch.optim.SGD with momentum)."""
    _decay(params, lr, weight_decay)
    for name, P in params.items():
        v = state.get(name)
        if v is None:
            v = state[name] = grads[name].copy()  # first step: v = dW
        else:
            v *= momentum
            v += grads[name]
        P -= np.multiply(v, lr, out=_scratch(state, name, P))


ADAM_BLOCK = 32768  # numbers per block: one block of each of the five arrays (640 KB) fits in L2 cache


def adam_step(params, grads, state, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, **_):
    """Adam, as torch.optim.Adam (and AdamW when weight_decay > 0), updating params in place.

    m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g^2,   t <- t + 1,
    W <- W - lr * m_hat / (sqrt(v_hat) + eps)  with  m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t).
    For speed the state holds M = m / (1 - b1) and V = v / (1 - b2), so that M <- b1 M + g and
    V <- b2 V + g^2, and every constant is folded into two numbers: W <- W - M / (s sqrt(V) + e).
    """
    beta1, beta2 = betas
    t = state["t"] = state.get("t", 0) + 1
    c1, c2 = 1.0 - beta1 ** t, 1.0 - beta2 ** t  # bias corrections
    s = math.sqrt((1.0 - beta2) / c2) * c1 / (lr * (1.0 - beta1))
    e = eps * c1 / (lr * (1.0 - beta1))
    _decay(params, lr, weight_decay)
    for name, P in params.items():
        g = grads[name]
        if name not in state:  # moments M, V start at zero; tmp is scratch space
            state[name] = {"M": np.zeros_like(P), "V": np.zeros_like(P), "tmp": np.empty_like(P)}
        st = state[name]
        if st.get("P") is not P or st.get("g") is not g:  # cut all five arrays into blocks (views)
            arrays = [a.reshape(-1) for a in (P, g, st["M"], st["V"], st["tmp"])]
            st["P"], st["g"] = P, g
            st["blocks"] = [[a[i:i + ADAM_BLOCK] for a in arrays] for i in range(0, P.size, ADAM_BLOCK)]
        for P_, g, M, V, tmp in st["blocks"]:
            np.multiply(g, g, out=tmp)  # V <- b2 V + g^2
            V *= beta2
            V += tmp
            M *= beta1  # M <- b1 M + g
            M += g
            np.sqrt(V, out=tmp)  # W <- W - M / (s sqrt(V) + e)
            tmp *= s
            tmp += e
            np.divide(M, tmp, out=tmp)
            P_ -= tmp


OPTIMIZERS = {"sgd": sgd_step, "momentum": momentum_step, "adam": adam_step}
