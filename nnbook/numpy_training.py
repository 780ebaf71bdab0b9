"""The one training loop of the book's NumPy networks: Chapter 3's MLP and Chapter 7's ConvNet.

nnbook.numpy_net.train and nnbook.numpy_cnn.train check their arguments once and then call
`run_epochs`, which does not check each mini-batch again. A network it trains is a `Module`
(`params`, `decayed`, train() / eval()) with forward(X, return_cache=True,
check_input=False) -> (output, cache), backward(cache, y, l2, check_input=False), `_mean_loss(cache, y)`
(the batch's mean loss, without l2), `_classes(output)`, and loss(X, y) / accuracy(X, y).
"""

from __future__ import annotations

import math
import time
import warnings

import numpy as np
from tqdm import TqdmWarning

with warnings.catch_warnings():  # without ipywidgets tqdm.auto warns, then draws text bars: fine
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm  # a widget in Jupyter and Colab, text elsewhere

from nnbook.optimizers import Optimizer

__all__ = ["Module", "run_epochs"]


class Module:
    """What the NumPy networks share, a small PyTorch nn.Module: the dict `params`, the names
    `decayed` of the parameters weight decay shrinks (weights and kernels, not biases), and the mode."""

    params: dict[str, np.ndarray]
    decayed: tuple[str, ...]
    training = True  # a new network starts in training mode, as in PyTorch

    def train(self, mode: bool = True) -> Module:
        """Training mode (dropout on, where there is dropout), as PyTorch's module.train(); returns the network."""
        self.training = bool(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode (dropout off), as PyTorch's module.eval(); returns the network."""
        return self.train(False)

    def num_parameters(self) -> int:
        """Number of trainable numbers (all weights, kernels and biases)."""
        return sum(P.size for P in self.params.values())


def run_epochs(net, X: np.ndarray, y: np.ndarray, optimizer: Optimizer, keys: tuple[str, ...],
               num_epochs: int, batch_size: int, rng: np.random.Generator, l2: float = 0.0,
               lr_schedule: str | None = None, X_val=None, y_val=None,
               progress: bool = False) -> dict[str, list[float]]:
    """Train `net` in place with mini-batch gradient descent on checked data; return the history.

    X: (n, ...) and y: the network's own arrays (checked by the caller); keys: what the history
    records, in its order, from "train_loss", "train_acc", "val_loss", "val_acc", "lr", "epoch_time".
    Rows are reshuffled every epoch with rng. lr_schedule "cosine": step t of T sets
    optimizer.lr = lr * (1 + cos(pi t / T)) / 2, with lr its value when the loop starts.
    """
    n = len(X)
    batch_size = min(batch_size, n)
    total_steps = num_epochs * math.ceil(n / batch_size)
    lr = optimizer.lr  # the schedule's starting rate
    history = {key: [] for key in keys}
    step = 0
    epochs = tqdm(range(1, num_epochs + 1), desc="epochs", disable=not progress)
    for epoch in epochs:
        start = time.perf_counter()
        net.train()  # dropout on for the steps (when the network has dropout)
        order = rng.permutation(n)
        loss_sum, correct = 0.0, 0
        with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is reported below instead
            for i, first in enumerate(range(0, n, batch_size)):
                idx = order[first:first + batch_size]
                Xb, yb = X[idx], y[idx]  # a mini-batch of b rows
                output, cache = net.forward(Xb, return_cache=True, check_input=False)  # (b, n_out)
                loss = net._mean_loss(cache, yb)  # the batch's mean loss, without l2
                if not math.isfinite(loss):
                    raise FloatingPointError(f"loss became {loss} at epoch {epoch}, step {i + 1}; "
                                             f"try a smaller learning rate (lr={lr})")
                loss_sum += loss * len(idx)
                if "train_acc" in history:
                    correct += int(np.count_nonzero(net._classes(output) == yb.reshape(-1)))
                grads = net.backward(cache, yb, l2, check_input=False)
                if lr_schedule:
                    optimizer.lr = 0.5 * lr * (1 + math.cos(math.pi * step / total_steps))
                optimizer.step(net.params, grads, net.decayed)
                step += 1
        _record(history, "epoch_time", time.perf_counter() - start)
        net.eval()  # dropout off for the measurements, and when training returns
        if not all(np.isfinite(P).all() for P in net.params.values()):  # the last step may overflow
            raise FloatingPointError(f"parameters became nan or inf at epoch {epoch}, step {i + 1}; "
                                     f"try a smaller learning rate (lr={lr})")
        _record(history, "train_loss", loss_sum / n)
        _record(history, "lr", optimizer.lr)
        _record(history, "train_acc", correct / n)
        if X_val is not None:
            if "val_loss" in history:
                history["val_loss"].append(net.loss(X_val, y_val))
            if "val_acc" in history:
                history["val_acc"].append(net.accuracy(X_val, y_val))
        epochs.set_postfix(loss=history["train_loss"][-1])
    return history


def _record(history: dict, key: str, value: float) -> None:
    if key in history:
        history[key].append(value)
