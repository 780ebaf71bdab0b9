"""A multilayer perceptron written from scratch in NumPy: forward pass, backpropagation, training.

Chapter 3 derives this network and writes it in full; Chapters 4 (XOR) and 5 (MNIST) import it.
Batches are rows: X is (n, n_0); layer l has W{l}: (n_{l-1}, n_l), b{l}: (n_l,) and
Z{l} = A{l-1} W{l} + b{l}, A{l} = f(Z{l}); A0 = X and the last A is y_hat.
"""

from __future__ import annotations

import math
import time

import numpy as np

from nnbook._numpy_net_checks import check_choice, check_hyperparameters, check_number, check_X, check_y
from nnbook._numpy_net_parts import ACTIVATIONS, INITS, LOSSES, OPTIMIZERS, buffer

__all__ = ["MLP", "train", "ACTIVATIONS", "LOSSES", "OPTIMIZERS", "INITS"]


class MLP:
    """A fully connected network: hidden layers use `activation`, the output layer suits `loss`.

    layer_sizes: [n_0, n_1, ..., n_L], at least [n_in, n_out], all positive ints.
    activation: hidden-layer activation, a key of ACTIVATIONS.
    loss: "mse" (identity output), "bce" (sigmoid output, n_out == 1) or
        "cross_entropy" (softmax output, integer labels in [0, n_out)).
    init: a key of INITS ("xavier", "he", "normal", "zeros"); biases start at 0.
    seed: seed of the generator that draws the initial weights.
    dtype: "float64" (for gradient checks) or "float32" (fast).
    """

    def __init__(self, layer_sizes: list[int], activation: str = "relu", loss: str = "cross_entropy",
                 init: str = "he", seed: int = 0, dtype: str = "float64"):
        if not isinstance(layer_sizes, (list, tuple)):
            raise TypeError(f"layer_sizes must be a list of ints, got {type(layer_sizes).__name__} {layer_sizes!r}")
        if len(layer_sizes) < 2:
            raise ValueError(f"layer_sizes must have at least 2 sizes [n_in, n_out], got {list(layer_sizes)}")
        for size in layer_sizes:
            if isinstance(size, bool) or not isinstance(size, (int, np.integer)):
                raise TypeError(f"layer sizes must be ints, got {type(size).__name__} {size!r} in {list(layer_sizes)}")
            if size <= 0:
                raise ValueError(f"layer sizes must be positive, got {size} in {list(layer_sizes)}")
        check_choice("activation", activation, ACTIVATIONS)
        check_choice("loss", loss, LOSSES)
        check_choice("init", init, INITS)
        if loss == "bce" and layer_sizes[-1] != 1:
            raise ValueError(f"loss='bce' needs one output unit (n_out == 1), got n_out={layer_sizes[-1]}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
            raise TypeError(f"seed must be an int, got {type(seed).__name__} {seed!r}")
        if str(dtype) not in ("float32", "float64"):
            raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")

        self.layer_sizes = [int(size) for size in layer_sizes]
        self.n_layers = len(layer_sizes) - 1  # L: the number of weight layers
        self.activation, self.loss_name, self.init = activation, loss, init
        self.dtype = np.dtype(str(dtype))
        self._act, self._loss = ACTIVATIONS[activation], LOSSES[loss]

        # Weights are drawn in float64 and then rounded, so float32 and float64 nets with
        # the same seed start from the same point.
        rng = np.random.default_rng(seed)
        self.params: dict[str, np.ndarray] = {}
        for l in range(1, self.n_layers + 1):
            n_prev, n_l = self.layer_sizes[l - 1], self.layer_sizes[l]
            self.params[f"W{l}"] = INITS[init](rng, n_prev, n_l).astype(self.dtype)  # (n_{l-1}, n_l)
            self.params[f"b{l}"] = np.zeros(n_l, dtype=self.dtype)  # (n_l,)

    def __repr__(self) -> str:
        return (f"MLP(layer_sizes={self.layer_sizes}, activation={self.activation!r}, "
                f"loss={self.loss_name!r}, dtype={self.dtype.name!r})")

    def num_parameters(self) -> int:
        """Number of trainable numbers (all weights and biases)."""
        return int(sum(p.size for p in self.params.values()))

    def _check_X(self, X) -> np.ndarray:
        return check_X(X, self.layer_sizes[0], self.dtype)

    def _check_y(self, y, n: int) -> np.ndarray:
        return check_y(y, n, self.loss_name, self.layer_sizes[-1], self.dtype)

    # ----- forward and backward pass (the math of Chapter 3) ----------------------------------
    def _forward(self, X: np.ndarray, store: dict) -> np.ndarray:
        """Forward pass into the arrays of `store` (reused when their shapes fit)."""
        n, L = X.shape[0], self.n_layers
        store["A0"] = A = X  # (n, n_0)
        for l in range(1, L + 1):
            W, b = self.params[f"W{l}"], self.params[f"b{l}"]
            Z = np.matmul(A, W, out=buffer(store, f"Z{l}", (n, W.shape[1]), self.dtype))  # Z = A W
            Z += b  # + b, broadcast over the rows
            out = buffer(store, f"A{l}", Z.shape, self.dtype)
            A = self._act.forward(Z, out) if l < L else self._loss.output(Z, out)  # f(Z), y_hat
            store[f"A{l}"] = A
        return A

    def _backward(self, y: np.ndarray, store: dict, grads: dict, l2: float) -> None:
        """Backpropagation: fill `grads` with dL/dW{l}, dL/db{l} from a forward `store`."""
        L = self.n_layers
        y_hat = store[f"A{L}"]
        # For each loss with its matching output: dZ{L} = (y_hat - y) / n  (mse: 2 (y_hat - y) / y_hat.size)
        dZ = self._loss.delta(y_hat, y, buffer(store, f"dZ{L}", y_hat.shape, self.dtype))
        for l in range(L, 0, -1):
            W, A_prev = self.params[f"W{l}"], store[f"A{l - 1}"]
            np.matmul(A_prev.T, dZ, out=grads[f"W{l}"])  # dW{l} = A{l-1}^T dZ{l}
            np.sum(dZ, axis=0, out=grads[f"b{l}"])  # db{l} = sum over rows of dZ{l}
            if l2:
                grads[f"W{l}"] += l2 * W  # d/dW of (l2/2) ||W||^2
            if l > 1:
                dA = np.matmul(dZ, W.T, out=buffer(store, f"dZ{l - 1}", A_prev.shape, self.dtype))  # dA = dZ W^T
                dZ = self._act.backward(dA, store[f"Z{l - 1}"], A_prev)  # dZ = dA * f'(Z), in place

    def _penalty(self, l2: float) -> float:
        """(l2 / 2) * sum of squared weights (biases are not penalised)."""
        if not l2:
            return 0.0
        return 0.5 * l2 * sum(float(np.vdot(W, W)) for k, W in self.params.items() if k[0] == "W")

    # ----- public interface -------------------------------------------------------------------
    def forward(self, X, return_cache: bool = False):
        """Output y_hat: (n, n_out) of the network for X: (n, n_in).

        With return_cache=True also return the dict {"A0".."AL", "Z1".."ZL"} of every layer.
        """
        store: dict = {}
        y_hat = self._forward(self._check_X(X), store)
        return (y_hat, store) if return_cache else y_hat

    def hidden(self, X, layer: int = 1) -> np.ndarray:
        """Activations A{layer}: (n, n_layer) of X: (n, n_in), for 1 <= layer <= L."""
        if isinstance(layer, bool) or not isinstance(layer, (int, np.integer)):
            raise TypeError(f"layer must be an int, got {type(layer).__name__} {layer!r}")
        if not 1 <= layer <= self.n_layers:
            raise ValueError(f"layer must be in [1, {self.n_layers}], got {layer}")
        return self.forward(X, return_cache=True)[1][f"A{layer}"]

    def loss(self, X, y, l2: float = 0.0) -> float:
        """Mean loss over the rows of X plus (l2 / 2) * sum of squared weights."""
        l2 = check_number("l2", l2, low=0.0)
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        store: dict = {}
        self._forward(X, store)
        return self._loss.value(store[f"Z{self.n_layers}"], y) + self._penalty(l2)

    def gradients(self, X, y, l2: float = 0.0) -> tuple[float, dict[str, np.ndarray]]:
        """(loss, grads): the loss as in `loss` and its gradient for every parameter (same keys, shapes)."""
        l2 = check_number("l2", l2, low=0.0)
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        store: dict = {}
        grads = {k: np.empty_like(p) for k, p in self.params.items()}
        self._forward(X, store)
        loss = self._loss.value(store[f"Z{self.n_layers}"], y) + self._penalty(l2)
        self._backward(y, store, grads, l2)
        return loss, grads

    def predict(self, X) -> np.ndarray:
        """bce: (n,) 0/1 (threshold 0.5); cross_entropy: (n,) argmax class; mse: y_hat (n, n_out)."""
        y_hat = self.forward(X)
        if self.loss_name == "bce":
            return (y_hat[:, 0] >= 0.5).astype(np.int64)
        if self.loss_name == "cross_entropy":
            return y_hat.argmax(axis=1)
        return y_hat

    def accuracy(self, X, y) -> float:
        """Fraction of rows of X whose predicted class equals y (bce and cross_entropy only)."""
        if self.loss_name == "mse":
            raise ValueError("accuracy needs a classification loss ('bce' or 'cross_entropy'), got loss='mse'")
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0]).reshape(-1)
        return float(np.mean(self.predict(X) == y))

    def get_params(self) -> dict[str, np.ndarray]:
        """A copy of every parameter array."""
        return {k: p.copy() for k, p in self.params.items()}

    def set_params(self, params: dict) -> None:
        """Copy `params` (same keys and shapes as net.params) into the network's arrays."""
        if not isinstance(params, dict):
            raise TypeError(f"params must be a dict like net.params, got {type(params).__name__}")
        if set(params) != set(self.params):
            raise ValueError(f"params must have exactly the keys {sorted(self.params)}, got {sorted(params)}")
        for k, p in self.params.items():
            new = np.asarray(params[k])
            if new.shape != p.shape:
                raise ValueError(f"params[{k!r}] must have shape {p.shape}, got {new.shape}")
        for k, p in self.params.items():
            np.copyto(p, params[k], casting="unsafe")  # keep the live arrays (optimisers hold them)


def _lr_at(lr: float, schedule: str | None, step: int, total_steps: int) -> float:
    """Learning rate of step `step` (0-based): constant, or cosine from lr down to 0."""
    if schedule == "cosine":
        return 0.5 * lr * (1.0 + math.cos(math.pi * step / total_steps))
    return lr


def train(net: MLP, X, y, optimizer: str = "adam", lr: float = 1e-3, num_epochs: int = 10,
          batch_size: int | None = 128, l2: float = 0.0, weight_decay: float = 0.0,
          momentum: float = 0.9, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
          lr_schedule: str | None = None, X_val=None, y_val=None, seed: int = 0,
          progress: bool = False) -> dict[str, list[float]]:
    """Train `net` in place with mini-batch gradient descent; return the per-epoch history.

    X: (n, n_in); y as for net.loss. optimizer: "sgd" | "momentum" | "adam".
    batch_size=None trains on the full batch. l2 adds (l2/2)||W||^2 to the loss (coupled);
    weight_decay is decoupled (AdamW style): W -= lr * weight_decay * W after each step.
    lr_schedule: None or "cosine" (per step, from lr down to 0 over num_epochs).
    Rows are reshuffled every epoch with np.random.default_rng(seed).
    History: "train_loss" and "train_acc" are means over the epoch's mini-batches (without the
    l2 term), "val_loss"/"val_acc" are measured after each epoch (only with X_val), "lr" is the
    rate of the epoch's last step, "epoch_time" the seconds spent on the epoch's training steps.
    Raises FloatingPointError when the loss becomes nan or inf.
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    check_choice("optimizer", optimizer, OPTIMIZERS)
    lr, l2, weight_decay, momentum, betas, eps = check_hyperparameters(
        lr, num_epochs, batch_size, l2, weight_decay, momentum, betas, eps, lr_schedule, seed)
    X = net._check_X(X)
    y = net._check_y(y, X.shape[0])
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together (or both left None)")
    if X_val is not None:
        X_val = net._check_X(X_val)
        y_val = net._check_y(y_val, X_val.shape[0])

    n = X.shape[0]
    batch_size = n if batch_size is None else min(int(batch_size), n)
    steps_per_epoch = math.ceil(n / batch_size)
    total_steps = steps_per_epoch * num_epochs
    rng = np.random.default_rng(seed)
    step_fn = OPTIMIZERS[optimizer]
    hyper = {"momentum": momentum, "betas": betas, "eps": eps, "weight_decay": weight_decay}
    classify = net.loss_name != "mse"
    store: dict = {}  # forward/backward arrays, reused from step to step
    grads = {k: np.empty_like(p) for k, p in net.params.items()}
    state: dict = {}  # optimiser state (velocities, moments)
    history: dict[str, list[float]] = {"train_loss": [], "lr": [], "epoch_time": []}
    if classify:
        history["train_acc"] = []
    if X_val is not None:
        history["val_loss"] = []
        if classify:
            history["val_acc"] = []

    epochs = range(1, num_epochs + 1)
    if progress:
        from tqdm.auto import tqdm
        epochs = tqdm(epochs, desc="epochs")
    step = 0
    for epoch in epochs:
        start = time.perf_counter()
        order = rng.permutation(n)
        loss_sum, correct = 0.0, 0
        with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is reported below instead
            for i, first in enumerate(range(0, n, batch_size)):
                idx = order[first:first + batch_size]
                Xb = np.take(X, idx, axis=0, out=buffer(store, "Xb", (len(idx), X.shape[1]), net.dtype))
                yb = y[idx]
                net._forward(Xb, store)
                loss = net._loss.value(store[f"Z{net.n_layers}"], yb)
                if not math.isfinite(loss):
                    raise FloatingPointError(
                        f"loss became {loss} at epoch {epoch}, step {i + 1}; "
                        f"try a smaller learning rate (lr={lr})")
                loss_sum += loss * len(idx)
                if classify:
                    correct += net._loss.n_correct(store[f"A{net.n_layers}"], yb)
                net._backward(yb, store, grads, l2)
                step_lr = _lr_at(lr, lr_schedule, step, total_steps)
                step_fn(net.params, grads, state, step_lr, **hyper)
                step += 1
        history["epoch_time"].append(time.perf_counter() - start)
        if not all(np.isfinite(P).all() for P in net.params.values()):  # the last step may overflow
            raise FloatingPointError(f"parameters became nan or inf at epoch {epoch}, step {i + 1}; "
                                     f"try a smaller learning rate (lr={lr})")
        history["train_loss"].append(loss_sum / n)
        history["lr"].append(step_lr)
        if classify:
            history["train_acc"].append(correct / n)
        if X_val is not None:
            history["val_loss"].append(net.loss(X_val, y_val))
            if classify:
                history["val_acc"].append(net.accuracy(X_val, y_val))
        if progress:
            epochs.set_postfix(loss=history["train_loss"][-1])
    return history
