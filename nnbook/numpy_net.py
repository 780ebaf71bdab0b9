"""A multilayer perceptron in NumPy: Chapter 3's network for any number of layers, and its `train`.

Chapter 3 derives every formula here and writes the one-hidden-layer version; Chapters 4 (XOR) and
5 (MNIST) import this one. Batches are rows: X is (n, n_0); layer l has W{l}: (n_{l-1}, n_l) and
b{l}: (n_l,), Z{l} = A{l-1} W{l} + b{l} and A{l} = g(Z{l}), with A0 = X and A{L} = y_hat.
Written to be read, one line per equation, not tuned: nearly all the time goes into five matrix
products per batch for one hidden layer (two forward, three backward), which NumPy and PyTorch
hand to the same kind of BLAS library (Chapter 5 times both; the one speed-up kept is Adam's
in-place moments, in nnbook.optimizers). The activations, the losses and their derivatives are in
nnbook.functional, the training loop in nnbook.numpy_training; the argument checks end the file.
"""

from __future__ import annotations

import math

import numpy as np

from nnbook.checks import (check_array, check_choice, check_labels, check_number, check_positive_int,
                           check_probability, check_rows, check_seed, check_type)
from nnbook.functional import ACTIVATIONS, LOSSES  # the math; Chapter 3 imports both from here
from nnbook.numpy_training import Module, run_epochs
from nnbook.optimizers import Optimizer

__all__ = ["MLP", "train", "ACTIVATIONS", "LOSSES", "INITS"]

INITS = {  # name -> standard deviation of the weights W: (n_in, n_out) of one layer
    "xavier": lambda n_in, n_out: math.sqrt(2 / (n_in + n_out)),
    "he": lambda n_in, n_out: math.sqrt(2 / n_in),
    "normal": lambda n_in, n_out: 1.0,
    "zeros": lambda n_in, n_out: 0.0,
}


class MLP(Module):
    """A fully connected network: the hidden layers use `activation`, the output layer suits `loss`.

    layer_sizes: [n_0, n_1, ..., n_L], at least [n_in, n_out].
    activation: the hidden layers' g, a key of ACTIVATIONS.
    loss: "mse" (identity output), "bce" (sigmoid output, n_out == 1) or "cross_entropy"
        (softmax output, integer labels in [0, n_out)).
    init: a key of INITS. The weights are drawn in float64 from np.random.default_rng(seed) and then
        rounded to dtype, so float32 and float64 networks with one seed start alike; biases start at 0.
    dtype: "float64" (for gradient checks) or "float32" (faster, and precise enough to train).
    dropout: p in [0, 1), inverted dropout after every hidden layer (Chapter 6): in training mode
        (net.train(), the mode a new network starts in, as in PyTorch) each hidden activation is set
        to 0 with probability p and the others are divided by 1 - p; in evaluation mode (net.eval())
        nothing is dropped. The masks are drawn from the network's own generator, seeded by `seed`.
    """

    def __init__(self, layer_sizes: list[int], activation: str = "relu", loss: str = "cross_entropy",
                 init: str = "he", seed: int = 0, dtype: str = "float64", dropout: float = 0.0):
        self.layer_sizes = _check_layer_sizes(layer_sizes, loss)
        self.activation = check_choice("activation", activation, ACTIVATIONS)
        self.loss_name = check_choice("loss", loss, LOSSES)
        self.dtype = np.dtype(check_choice("dtype", dtype, ["float32", "float64"]))
        std = INITS[check_choice("init", init, INITS)]
        self.dropout = check_probability("dropout", dropout, allow_one=False)
        self.training = True  # dropout on (when dropout > 0); see train() and eval()
        self.rng = rng = np.random.default_rng(check_seed("seed", seed))  # the weights, then dropout's masks

        self.n_layers = len(self.layer_sizes) - 1  # L, the number of weight layers
        self.params: dict[str, np.ndarray] = {}
        for l in range(1, self.n_layers + 1):
            n_in, n_out = self.layer_sizes[l - 1], self.layer_sizes[l]
            W = rng.normal(0.0, std(n_in, n_out), size=(n_in, n_out))
            self.params[f"W{l}"] = W.astype(self.dtype)  # (n_{l-1}, n_l)
            self.params[f"b{l}"] = np.zeros(n_out, dtype=self.dtype)  # (n_l,)
        self.decayed = tuple(f"W{l}" for l in range(1, self.n_layers + 1))  # weight decay: weights, not biases

    def __repr__(self) -> str:
        dropout = f", dropout={self.dropout}" if self.dropout else ""
        return (f"MLP(layer_sizes={self.layer_sizes}, activation={self.activation!r}, "
                f"loss={self.loss_name!r}, dtype={self.dtype.name!r}{dropout})")

    def forward(self, X, return_cache: bool = False, *, check_input: bool = True):
        """y_hat: (n, n_out) for X: (n, n_in).

        With return_cache=True also the dict {"A0": X, "Z1": Z1, "A1": A1, ..., "ZL": ZL, "AL": y_hat}
        that backward reads; with dropout in training mode it also holds each hidden layer's mask
        divided by 1 - p, "D1", ..., the activations before dropout, "G1", ..., and A{l} is the one after.
        check_input=False skips checking X (train checks all of X once, not every mini-batch).
        """
        X = self._inputs(X) if check_input else X
        g, output, L = ACTIVATIONS[self.activation].g, LOSSES[self.loss_name].output, self.n_layers
        cache = {"A0": X}  # (n, n_0)
        for l in range(1, L + 1):
            Z = cache[f"A{l - 1}"] @ self.params[f"W{l}"] + self.params[f"b{l}"]  # (n, n_l)
            cache[f"Z{l}"] = Z
            A = g(Z) if l < L else output(Z)  # (n, n_l); A{L} = y_hat
            if l < L and self.training and self.dropout:  # inverted dropout (Chapter 6)
                cache[f"G{l}"] = A  # g(Z{l}) before dropout, for g' in backward
                cache[f"D{l}"] = (self.rng.random(A.shape) >= self.dropout).astype(A.dtype) / (1 - self.dropout)
                A = A * cache[f"D{l}"]  # dropped units are 0, the kept ones scaled by 1 / (1 - p)
            cache[f"A{l}"] = A
        return (cache[f"A{L}"], cache) if return_cache else cache[f"A{L}"]

    def backward(self, cache: dict, y, l2: float = 0.0, *, check_input: bool = True) -> dict[str, np.ndarray]:
        """Backpropagation: {"W1": dW1, "b1": db1, ...}, the gradient of the loss on targets y
        (plus (l2 / 2) * the sum of squared weights) at the forward pass whose cache is given.

        cache: the dict of forward(X, return_cache=True); y: as for `loss`.
        check_input=False skips checking the arguments (train checks y once, not every mini-batch).
        """
        if check_input:
            _check_cache(cache, self.n_layers)
            y, l2 = self._targets(y, len(cache["A0"])), check_number("l2", l2, low=0.0)
        g_prime, L = ACTIVATIONS[self.activation].derivative, self.n_layers
        # begin: backpropagation (Chapter 3 prints the lines between this comment and the "end" one)
        dZ = LOSSES[self.loss_name].dZ(cache[f"A{L}"], y)  # (n, n_L): (y_hat - y) / n (x 2 / n_L for mse)
        grads = {}
        for l in range(L, 0, -1):
            W, A_prev = self.params[f"W{l}"], cache[f"A{l - 1}"]
            dW = A_prev.T @ dZ  # (n_{l-1}, n) @ (n, n_l) -> (n_{l-1}, n_l)
            grads[f"W{l}"] = dW + l2 * W if l2 else dW  # + the gradient of (l2 / 2) ||W||^2
            grads[f"b{l}"] = dZ.sum(axis=0)  # (n_l,): column sums, no A{l-1} factor
            if l > 1:
                dA = dZ @ W.T  # (n, n_l) @ (n_l, n_{l-1}) -> (n, n_{l-1})
                if f"D{l - 1}" in cache:  # dropout (Chapter 6): back through the kept units, scaled alike
                    dA = dA * cache[f"D{l - 1}"]
                    A_prev = cache[f"G{l - 1}"]  # g' needs A before dropout
                dZ = dA * g_prime(cache[f"Z{l - 1}"], A_prev)  # (n, n_{l-1})
        # end: backpropagation
        return {name: grads[name] for name in self.params}

    def loss(self, X, y, l2: float = 0.0) -> float:
        """Mean loss over the rows of X plus (l2 / 2) * the sum of squared weights (not biases).

        y: (n,) integer labels for cross_entropy, (n,) or (n, 1) labels 0/1 for bce,
        (n, n_out) (or (n,) when n_out == 1) numbers for mse.
        """
        _, cache = self.forward(X, return_cache=True)
        return self._loss(cache, self._targets(y, len(cache["A0"])), check_number("l2", l2, low=0.0))

    def gradients(self, X, y, l2: float = 0.0) -> tuple[float, dict[str, np.ndarray]]:
        """(loss, grads): the loss as `loss` gives it, and its gradient for every parameter (same keys)."""
        _, cache = self.forward(X, return_cache=True)
        y, l2 = self._targets(y, len(cache["A0"])), check_number("l2", l2, low=0.0)
        return self._loss(cache, y, l2), self.backward(cache, y, l2)

    def _loss(self, cache: dict, y: np.ndarray, l2: float) -> float:
        penalty = 0.5 * l2 * sum(float(np.sum(self.params[name]**2)) for name in self.decayed)
        return self._mean_loss(cache, y) + penalty

    def _mean_loss(self, cache: dict, y: np.ndarray) -> float:
        """The mean loss of the forward pass whose cache is given, computed from the logits Z{L}."""
        return LOSSES[self.loss_name].value(cache[f"Z{self.n_layers}"], y)

    def predict(self, X) -> np.ndarray:
        """bce: (n,) 0/1 (threshold 0.5); cross_entropy: (n,) the most probable class; mse: y_hat (n, n_out)."""
        y_hat = self.forward(X)
        return y_hat if self.loss_name == "mse" else self._classes(y_hat)

    def _classes(self, y_hat: np.ndarray) -> np.ndarray:
        """The predicted class of each row: p >= 0.5 for bce's one output, the argmax for cross_entropy."""
        return (y_hat[:, 0] >= 0.5).astype(np.int64) if self.loss_name == "bce" else y_hat.argmax(axis=1)

    def accuracy(self, X, y) -> float:
        """Fraction of the rows of X whose predicted class equals y (bce and cross_entropy only)."""
        if self.loss_name == "mse":
            raise ValueError("accuracy needs a classification loss ('bce' or 'cross_entropy'), got loss='mse'")
        X = self._inputs(X)
        return float(np.mean(self.predict(X) == self._targets(y, len(X)).reshape(-1)))

    def hidden(self, X, layer: int = 1) -> np.ndarray:
        """The activations A{layer}: (n, n_layer) for X: (n, n_in), 1 <= layer <= L."""
        if check_positive_int("layer", layer) > self.n_layers:
            raise ValueError(f"layer must be in [1, {self.n_layers}], got {layer}")
        return self.forward(X, return_cache=True)[1][f"A{layer}"]

    def get_params(self) -> dict[str, np.ndarray]:
        """A copy of every parameter array."""
        return {name: P.copy() for name, P in self.params.items()}

    def set_params(self, params: dict) -> None:
        """Copy `params` (the keys and shapes of net.params) into the network's arrays."""
        _check_params(params, self.params)
        for name, P in self.params.items():
            P[...] = params[name]

    def _inputs(self, X, name: str = "X") -> np.ndarray:
        return check_rows(name, X, self.layer_sizes[0], "n_in of the network").astype(self.dtype, copy=False)

    def _targets(self, y, n: int, name: str = "y") -> np.ndarray:
        return _check_targets(y, n, self.loss_name, self.layer_sizes[-1], self.dtype, name)


def train(net: MLP, X, y, optimizer: Optimizer, num_epochs: int = 10, batch_size: int | None = 128,
          l2: float = 0.0, lr_schedule: str | None = None, X_val=None, y_val=None, seed: int = 0,
          progress: bool = False) -> dict[str, list[float]]:
    """Train `net` in place with mini-batch gradient descent; return the per-epoch history.

    X: (n, n_in); y as for net.loss. optimizer: from nnbook.optimizers, e.g. Adam(lr=1e-3); it holds the
    learning rate and the (decoupled) weight decay. batch_size=None: the full batch. l2 adds
    (l2 / 2) ||W||^2 to the loss. lr_schedule: None (constant) or "cosine": step t of T sets
    optimizer.lr = lr * (1 + cos(pi t / T)) / 2, with lr its value when train starts (and leaves it at
    the last step's, as torch's schedulers do). Rows are reshuffled every epoch with default_rng(seed).
    History: "train_loss" and "train_acc" average the epoch's mini-batches (before each step, without
    the l2 term); "val_loss" / "val_acc" are measured after each epoch (only with X_val); "lr" is the
    rate of the epoch's last step and "epoch_time" the seconds its training steps took.
    The steps run in training mode (dropout on); the measurements, and the network train returns, are
    in evaluation mode. Raises FloatingPointError when the loss or a parameter becomes nan or inf.
    """
    X, y, X_val, y_val = _check_training(net, optimizer, X, y, X_val, y_val, lr_schedule)
    num_epochs = check_positive_int("num_epochs", num_epochs)
    batch_size = check_positive_int("batch_size", batch_size, allow_none=True)
    l2 = check_number("l2", l2, low=0.0)
    rng = np.random.default_rng(check_seed("seed", seed))
    classify = net.loss_name != "mse"
    keys = tuple(key for key in ("train_loss", "train_acc", "val_loss", "val_acc", "lr", "epoch_time")
                 if (classify or "acc" not in key) and (X_val is not None or "val" not in key))
    return run_epochs(net, X, y, optimizer, keys, num_epochs, len(X) if batch_size is None else batch_size,
                      rng, l2=l2, lr_schedule=lr_schedule, X_val=X_val, y_val=y_val, progress=progress)


# ----- argument checks: a clear error for bad input at every public entry point -------------------
def _check_layer_sizes(layer_sizes, loss) -> list[int]:
    check_type("layer_sizes", layer_sizes, (list, tuple), "a list of ints [n_in, ..., n_out]")
    if len(layer_sizes) < 2:
        raise ValueError(f"layer_sizes must have at least 2 sizes [n_in, n_out], got {list(layer_sizes)}")
    sizes = [check_positive_int(f"layer_sizes[{i}]", n) for i, n in enumerate(layer_sizes)]
    if loss == "bce" and sizes[-1] != 1:
        raise ValueError(f"loss='bce' needs one output unit (n_out == 1), got n_out={sizes[-1]}")
    return sizes


def _check_targets(y, n: int, loss: str, n_out: int, dtype, name: str = "y") -> np.ndarray:
    """y as the loss uses it: (n,) integer labels for cross_entropy, (n, n_out) numbers otherwise."""
    if loss == "cross_entropy":
        return check_labels(name, y, n, n_out, f"for loss='cross_entropy' with n_out={n_out}")
    y = check_array(name, y)
    shapes = [(n, n_out)] + [(n,)] * (n_out == 1)
    if y.shape not in shapes:
        raise ValueError(f"{name} must have shape {' or '.join(map(str, shapes))} for loss={loss!r}, "
                         f"got shape {y.shape}")
    if loss == "bce" and not np.all((y == 0) | (y == 1)):
        raise ValueError(f"{name} must hold labels in {{0, 1}} for loss='bce', "
                         f"got values such as {y[(y != 0) & (y != 1)][:5]}")
    return y.reshape(n, n_out).astype(dtype)


def _check_cache(cache, n_layers: int) -> None:
    check_type("cache", cache, dict, "the dict that forward(X, return_cache=True) returns")
    keys = {f"A{l}" for l in range(n_layers + 1)} | {f"Z{l}" for l in range(1, n_layers + 1)}
    masks = {f"{key}{l}" for key in "DG" for l in range(1, n_layers)}  # dropout's, in training mode
    if not keys <= set(cache) <= keys | masks:
        raise ValueError(f"cache must be the dict of forward(X, return_cache=True), with keys "
                         f"{sorted(keys)}, got {sorted(cache)}")


def _check_params(params, own: dict) -> None:
    check_type("params", params, dict, "a dict like net.params")
    if set(params) != set(own):
        raise ValueError(f"params must have exactly the keys {sorted(own)}, got {sorted(params)}")
    for name, P in own.items():
        if np.shape(params[name]) != P.shape:
            raise ValueError(f"params[{name!r}] must have shape {P.shape}, got {np.shape(params[name])}")


def _check_training(net, optimizer, X, y, X_val, y_val, lr_schedule):
    """train's data as arrays the network uses (X_val, y_val: both None or both given)."""
    check_type("net", net, MLP, "an nnbook.numpy_net.MLP")
    check_type("optimizer", optimizer, Optimizer, "an nnbook.optimizers optimiser such as Adam(lr=1e-3)")
    if lr_schedule is not None:
        check_choice("lr_schedule", lr_schedule, ["cosine"])
    X = net._inputs(X)
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together (or both left None)")
    if X_val is not None:
        X_val = net._inputs(X_val, name="X_val")
        y_val = net._targets(y_val, len(X_val), name="y_val")
    return X, net._targets(y, len(X)), X_val, y_val
