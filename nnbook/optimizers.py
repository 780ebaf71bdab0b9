"""Gradient-descent optimisers for nnbook.numpy_net: SGD, SGD with momentum, Adam.

Chapter 3 introduces them. As in torch.optim, an optimiser is built with its settings, the learning
rate included (`Adam(lr=1e-3)`), and `step(params, grads)` updates a dict of parameter arrays in
place from a dict of gradients with the same keys, exactly as the torch.optim class named in its
docstring does (the tests compare them step by step). A schedule changes the learning rate between
steps by setting `opt.lr`, as torch's schedulers set each parameter group's "lr". Momentum and Adam
keep a state per parameter name: use one optimiser per network.

weight_decay is decoupled, torch.optim.AdamW's rule, for all three: before each step every weight
shrinks, W <- W - lr * weight_decay * W; the biases do not (in PyTorch: a parameter group with
weight_decay=0 for them). For plain SGD this equals an L2 penalty of the same strength (Chapter 5).
Which parameters are weights, each network says: `step(params, grads, net.decayed)` (an MLP's W1, W2, ...,
a ConvNet's kernels K1 and weights W2); without that argument, every parameter of two or more axes.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from nnbook.checks import check_number, check_probability, check_type

__all__ = ["Optimizer", "SGD", "Momentum", "Adam"]


class Optimizer:
    """What the three optimisers share: the learning rate lr > 0 and decoupled weight decay >= 0."""

    def __init__(self, lr: float, weight_decay: float):
        self.lr = check_number("lr", lr, low=0.0, low_open=True)
        self.weight_decay = check_number("weight_decay", weight_decay, low=0.0)

    def decay_weights(self, params: dict[str, np.ndarray], decayed: Iterable[str] | None = None) -> None:
        """P <- P - lr * weight_decay * P for the parameters named in `decayed`, as torch.optim.AdamW.

        decayed: a network's `decayed` names (its weights and kernels, not its biases); None: every
        parameter with two or more axes, which for nnbook's networks are the same ones."""
        if self.weight_decay:
            if decayed is None:
                decayed = [name for name, P in params.items() if P.ndim >= 2]
            for name in decayed:
                params[name] *= 1 - self.lr * self.weight_decay

    def __repr__(self) -> str:
        settings = ", ".join(f"{key}={value!r}" for key, value in vars(self).items()
                             if not isinstance(value, dict) and key != "t")
        return f"{type(self).__name__}({settings})"


class SGD(Optimizer):
    """Plain gradient descent, as torch.optim.SGD: P <- P - lr * dP."""

    def __init__(self, lr: float = 0.1, weight_decay: float = 0.0):
        super().__init__(lr, weight_decay)

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray],
             decayed: Iterable[str] | None = None) -> None:
        lr = self.lr
        self.decay_weights(params, decayed)
        for name, P in params.items():
            P -= lr * grads[name]


class Momentum(Optimizer):
    """Gradient descent with momentum, as torch.optim.SGD(momentum=...).

    v <- momentum * v + dP,  P <- P - lr * v;  v starts at 0, so the first step is plain SGD.
    """

    def __init__(self, lr: float = 0.1, momentum: float = 0.9, weight_decay: float = 0.0):
        super().__init__(lr, weight_decay)
        self.momentum = check_probability("momentum", momentum, allow_one=False)
        self.v: dict[str, np.ndarray] = {}  # one velocity per parameter, shaped like it

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray],
             decayed: Iterable[str] | None = None) -> None:
        lr = self.lr
        self.decay_weights(params, decayed)
        for name, P in params.items():
            if name not in self.v:
                self.v[name] = np.zeros_like(P)  # v starts at 0
            v = self.v[name]
            v *= self.momentum  # v <- momentum * v + dP, in place (see Adam)
            v += grads[name]
            P -= lr * v


class Adam(Optimizer):
    """Adam, as torch.optim.Adam (torch.optim.AdamW with weight_decay): a step of about lr per
    parameter, scaled by its gradients' history.

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

    def __init__(self, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        super().__init__(lr, weight_decay)
        check_type("betas", betas, (tuple, list), "a pair (beta1, beta2)")
        if len(betas) != 2:
            raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
        self.beta1, self.beta2 = (check_probability(f"betas[{i}]", beta, allow_one=False)
                                  for i, beta in enumerate(betas))
        self.eps = check_number("eps", eps, low=0.0, low_open=True)
        self.t = 0
        self.m: dict[str, np.ndarray] = {}
        self.v: dict[str, np.ndarray] = {}

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray],
             decayed: Iterable[str] | None = None) -> None:
        self.t += 1
        lr, beta1, beta2, t = self.lr, self.beta1, self.beta2, self.t
        self.decay_weights(params, decayed)
        for name, P in params.items():
            if name not in self.m:
                self.m[name], self.v[name] = np.zeros_like(P), np.zeros_like(P)  # m and v start at 0
            g, m, v = grads[name], self.m[name], self.v[name]
            m *= beta1
            m += (1 - beta1) * g  # m <- beta1 m + (1 - beta1) dP
            v *= beta2
            v += (1 - beta2) * g**2  # v <- beta2 v + (1 - beta2) dP^2
            P -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + self.eps)  # lr m_hat / (sqrt(v_hat) + eps)
