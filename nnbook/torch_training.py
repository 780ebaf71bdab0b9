"""Training PyTorch classifiers: plain loops, evaluation, early stopping and checkpoints.

Introduced in Chapter 5 (MNIST); Chapter 6 uses early stopping and checkpoints. Functions only, in the style of pytorch/examples: a
model is an ``nn.Module`` that maps a batch ``X: (n, ...)`` to logits ``(n, n_classes)``.
"""

from __future__ import annotations

import copy
import functools
import math
import os
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from tqdm import TqdmWarning

with warnings.catch_warnings():  # without ipywidgets tqdm.auto warns, then draws text bars: fine
    warnings.simplefilter("ignore", TqdmWarning)
    from tqdm.auto import tqdm  # a widget in Jupyter and Colab, text elsewhere

from nnbook.checks import check_positive_int, check_seed, check_type
from nnbook.files import write_atomically

ARRAY_TYPES = (np.ndarray, torch.Tensor)
PATH_TYPES = (str, os.PathLike)


def as_features(X) -> torch.Tensor:
    """Turn features ``X: (n, ...)`` (a NumPy array or a tensor) into a float32 tensor."""
    check_type("X", X, ARRAY_TYPES, "a NumPy array or a torch tensor")
    X = torch.from_numpy(X) if isinstance(X, np.ndarray) else X
    if not X.is_floating_point():
        raise TypeError(f"X must hold floating-point numbers, got dtype {X.dtype}")
    if X.ndim < 1 or len(X) == 0:
        raise ValueError(f"X must have at least one example (shape (n, ...)), got shape {tuple(X.shape)}")
    return X.float()


def as_tensors(X, y) -> tuple[torch.Tensor, torch.Tensor]:
    """Turn ``X: (n, ...)`` and integer labels ``y: (n,)`` (arrays or tensors) into float32 / int64 tensors."""
    X = as_features(X)
    check_type("y", y, ARRAY_TYPES, "a NumPy array or a torch tensor")
    y = torch.from_numpy(y) if isinstance(y, np.ndarray) else y
    if y.is_floating_point() or y.is_complex() or y.dtype == torch.bool:
        raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (n,) integer labels, got shape {tuple(y.shape)}")
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of examples, got {len(X)} and {len(y)}")
    return X, y.long()


def make_loader(X, y, batch_size: int, shuffle: bool = True, seed: int | torch.Generator = 0) -> DataLoader:
    """A ``DataLoader`` over ``TensorDataset(X, y)``; its shuffling draws from its own generator.

    X: (n, ...) features; y: (n,) integer labels; batch_size: positive int.
    seed: an int in [0, 2**32) that seeds a new ``torch.Generator``, or a generator to draw from.
    Batches are reshuffled every epoch; the same seed gives the same sequence of batches.
    """
    batch_size = check_positive_int("batch_size", batch_size)
    X, y = as_tensors(X, y)
    if isinstance(seed, torch.Generator):
        generator = seed
    else:
        generator = torch.Generator().manual_seed(check_seed("seed", seed))
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle, generator=generator)


def _zero(device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """A running sum on ``device`` (float32 where the device has no float64, as Apple's MPS)."""
    if dtype == torch.float64 and device.type == "mps":
        dtype = torch.float32
    return torch.zeros((), dtype=dtype, device=device)


def _device_of(model: nn.Module, device) -> torch.device:
    return torch.device(device) if device is not None else next(model.parameters()).device


def train_epoch(model: nn.Module, batches: Iterable, loss_fn: Callable, optimizer: torch.optim.Optimizer,
                device=None, scheduler=None, augment: Callable | None = None) -> tuple[float, float]:
    """Run one pass of mini-batch training; return ``(mean loss, accuracy)`` over the examples seen.

    batches: an iterable of ``(X_batch, y_batch)``, e.g. a ``DataLoader``; each is moved to ``device``.
    loss_fn: maps ``(logits, y_batch)`` to a scalar mean loss, e.g. ``nn.CrossEntropyLoss()``.
    scheduler: stepped after every batch (e.g. ``OneCycleLR``), or None.
    augment: a function ``X_batch -> X_batch`` applied to each training batch, or None.
    The accuracy is the running one, measured in training mode (dropout on).
    Raises FloatingPointError when the loss becomes NaN or infinite.
    """
    check_type("model", model, nn.Module, "a torch.nn.Module")
    check_type("loss_fn", loss_fn, Callable, "callable")
    check_type("optimizer", optimizer, torch.optim.Optimizer, "a torch.optim.Optimizer")
    check_type("augment", augment, Callable, "callable", allow_none=True)
    device = _device_of(model, device)
    model.train()
    # the sums stay on the device: a .item() per step would make the CPU wait for the GPU at every step
    total_loss, total_correct, total = _zero(device, torch.float64), _zero(device, torch.long), 0
    for X_batch, y_batch in batches:
        X_batch, y_batch = X_batch.to(device), y_batch.to(device)
        if augment is not None:
            X_batch = augment(X_batch)
        logits = model(X_batch)  # (batch, n_classes)
        loss = loss_fn(logits, y_batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        n = len(y_batch)
        total_loss += loss.detach() * n
        total_correct += (logits.argmax(dim=1) == y_batch).sum()
        total += n
    if total == 0:
        raise ValueError("batches must yield at least one (X_batch, y_batch) pair, got none")
    mean_loss = total_loss.item() / total   # one synchronisation per epoch
    if not math.isfinite(mean_loss):
        lr = optimizer.param_groups[0]["lr"]
        raise FloatingPointError(
            f"loss became {mean_loss} during this epoch; training diverged - try a smaller learning rate (lr={lr:g})"
        )
    return mean_loss, total_correct.item() / total


def _in_evaluation_mode(function: Callable) -> Callable:
    """Run ``function(model, ...)`` with ``model.eval()`` (dropout off, batch norm's running statistics),
    then put the model back in the mode it had, even when ``function`` raises."""
    @functools.wraps(function)
    def with_model_in_evaluation_mode(model, *args, **kwargs):
        check_type("model", model, nn.Module, "a torch.nn.Module")
        was_training = model.training
        model.eval()
        try:
            return function(model, *args, **kwargs)
        finally:
            model.train(was_training)
    return with_model_in_evaluation_mode


@torch.no_grad()
@_in_evaluation_mode
def evaluate(model: nn.Module, X, y=None, device=None, loss_fn: Callable | None = None,
             batch_size: int = 1024) -> tuple[float, float]:
    """Return ``(mean loss, accuracy)`` of ``model`` in evaluation mode (dropout off).

    X, y: features ``(n, ...)`` and labels ``(n,)`` as arrays or tensors; or pass a
    ``DataLoader`` (any iterable of batches) as ``X`` and leave ``y`` None.
    loss_fn: default ``nn.CrossEntropyLoss()`` (on logits). Accuracy is a fraction in [0, 1].
    """
    check_type("model", model, nn.Module, "a torch.nn.Module")
    batch_size = check_positive_int("batch_size", batch_size)
    loss_fn = nn.CrossEntropyLoss() if loss_fn is None else check_type("loss_fn", loss_fn, Callable, "callable")
    if y is not None:
        X, y = as_tensors(X, y)
        batches = ((X[i:i + batch_size], y[i:i + batch_size]) for i in range(0, len(X), batch_size))
    elif isinstance(X, ARRAY_TYPES):
        raise ValueError("y is None: pass labels y with the features X, or pass a DataLoader as X")
    else:
        batches = X
    device = _device_of(model, device)
    total_loss, total_correct, total = _zero(device, torch.float64), _zero(device, torch.long), 0
    for X_batch, y_batch in batches:
        X_batch, y_batch = X_batch.to(device), y_batch.to(device)
        logits = model(X_batch)
        total_loss += loss_fn(logits, y_batch) * len(y_batch)   # on the device: no sync per batch
        total_correct += (logits.argmax(dim=1) == y_batch).sum()
        total += len(y_batch)
    if total == 0:
        raise ValueError("the DataLoader passed as X yielded no examples")
    return total_loss.item() / total, total_correct.item() / total


@torch.no_grad()
@_in_evaluation_mode
def predict_logits(model: nn.Module, X, device=None, batch_size: int = 1024) -> torch.Tensor:
    """Return the model's outputs ``(n, n_classes)`` on the CPU, computed in evaluation mode in batches."""
    check_type("model", model, nn.Module, "a torch.nn.Module")
    batch_size = check_positive_int("batch_size", batch_size)
    X = as_features(X)
    device = _device_of(model, device)
    outputs = [model(X[i:i + batch_size].to(device)).cpu() for i in range(0, len(X), batch_size)]
    return torch.cat(outputs)


def predict(model: nn.Module, X, device=None, batch_size: int = 1024) -> torch.Tensor:
    """Return predicted class labels ``(n,)`` (int64, on the CPU): the argmax of the logits."""
    return predict_logits(model, X, device=device, batch_size=batch_size).argmax(dim=1)


def save_checkpoint(model: nn.Module, path: str | os.PathLike, **extra) -> Path:
    """Save ``model.state_dict()`` and ``extra`` (numbers, strings, lists, tensors) to ``path``, atomically.

    Written with nnbook.files.write_atomically: an interrupted save leaves the previous checkpoint untouched.
    The folder must exist.
    """
    check_type("model", model, nn.Module, "a torch.nn.Module")
    path = Path(check_type("path", path, PATH_TYPES, "a str or path"))
    state = {name: tensor.detach().cpu() for name, tensor in model.state_dict().items()}
    return write_atomically(path, lambda file: torch.save({"model_state": state, "extra": extra}, file))


def load_checkpoint(model: nn.Module, path: str | os.PathLike) -> dict:
    """Load a checkpoint written by ``save_checkpoint`` into ``model``; return its ``extra`` dict.

    Raises FileNotFoundError when there is no file, ValueError when the file is not such a
    checkpoint, and PyTorch's RuntimeError (``load_state_dict``, naming every missing,
    unexpected or differently shaped parameter) when the checkpoint does not fit the model.
    """
    check_type("model", model, nn.Module, "a torch.nn.Module")
    path = Path(check_type("path", path, PATH_TYPES, "a str or path"))
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint at {path}: train and save one first "
                                "(save_checkpoint or fit(checkpoint_path=...))")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch's own message advises weights_only=False, which is unsafe
        raise ValueError(f"{path} is not a readable checkpoint ({type(error).__name__})") from None
    if not isinstance(payload, dict) or "model_state" not in payload:
        raise ValueError(f"{path} is not a checkpoint written by save_checkpoint (no 'model_state')")
    model.load_state_dict(payload["model_state"])  # strict: a checkpoint that does not fit raises
    return payload["extra"]


def fit(model: nn.Module, X_train, y_train, X_val=None, y_val=None, *, optimizer: torch.optim.Optimizer,
        num_epochs: int, batch_size: int, loss_fn: Callable | None = None, scheduler=None,
        augment: Callable | None = None, patience: int | None = None,
        checkpoint_path: str | os.PathLike | None = None, device=None, seed: int | torch.Generator = 0,
        progress: bool = True) -> dict:
    """Train ``model`` for up to ``num_epochs``; with validation data keep and restore the best epoch.

    X_train: (n, ...), y_train: (n,) integer labels (arrays or tensors); X_val, y_val likewise, optional.
    optimizer, scheduler (stepped every batch), loss_fn (default ``nn.CrossEntropyLoss()`` on logits),
    augment (``X_batch -> X_batch`` on training batches): see ``train_epoch``.
    patience: stop after this many epochs without a higher validation accuracy (needs validation data).
    checkpoint_path: where ``save_checkpoint`` writes the best model (the last one without validation data).
    seed: an int or a ``torch.Generator`` for the order of the training examples (see ``make_loader``).
        ``fit`` does not reseed torch's global generator: dropout and random augmentation draw
        from it, so call ``seed_everything`` before building the model for a repeatable run.
    progress: show a progress bar over the epochs (tqdm).
    Returns a history dict: per-epoch lists ``train_loss``, ``train_acc``, ``val_loss``, ``val_acc``,
    ``lr``, ``epoch_time``, and ``best_epoch`` (1-based), ``best_val_acc``, ``stopped_early``.
    """
    check_type("model", model, nn.Module, "a torch.nn.Module")
    num_epochs = check_positive_int("num_epochs", num_epochs)
    patience = check_positive_int("patience", patience, allow_none=True)
    check_type("scheduler", scheduler, torch.optim.lr_scheduler.LRScheduler,
               "a torch.optim.lr_scheduler.LRScheduler", allow_none=True)
    check_type("checkpoint_path", checkpoint_path, PATH_TYPES, "a str or path", allow_none=True)
    if (X_val is None) != (y_val is None):
        raise ValueError("pass both X_val and y_val, or neither")
    has_val = X_val is not None
    if patience is not None and not has_val:
        raise ValueError(f"patience={patience} needs validation data: pass X_val and y_val")
    loader = make_loader(X_train, y_train, batch_size, shuffle=True, seed=seed)
    if has_val:
        X_val, y_val = as_tensors(X_val, y_val)
    loss_fn = nn.CrossEntropyLoss() if loss_fn is None else loss_fn
    device = _device_of(model, device)
    model.to(device)

    history = {key: [] for key in ("train_loss", "train_acc", "val_loss", "val_acc", "lr", "epoch_time")}
    history.update(best_epoch=None, best_val_acc=None, stopped_early=False)
    best_state, epochs_since_best = None, 0
    bar = tqdm(range(1, num_epochs + 1), desc="epochs", disable=not progress)
    for epoch in bar:
        start = time.perf_counter()
        train_loss, train_acc = train_epoch(model, loader, loss_fn, optimizer, device, scheduler, augment)
        history["epoch_time"].append(time.perf_counter() - start)
        history["train_loss"].append(train_loss)
        history["train_acc"].append(train_acc)
        history["lr"].append(optimizer.param_groups[0]["lr"])
        if not has_val:
            bar.set_postfix(train_loss=f"{train_loss:.4f}")
            continue
        val_loss, val_acc = evaluate(model, X_val, y_val, device=device, loss_fn=loss_fn)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
        bar.set_postfix(train_loss=f"{train_loss:.4f}", val_acc=f"{val_acc:.4f}")
        if history["best_val_acc"] is None or val_acc > history["best_val_acc"]:
            history["best_epoch"], history["best_val_acc"], epochs_since_best = epoch, val_acc, 0
            best_state = copy.deepcopy(model.state_dict())
            if checkpoint_path is not None:
                save_checkpoint(model, checkpoint_path, epoch=epoch, val_acc=val_acc)
        else:
            epochs_since_best += 1
            if patience is not None and epochs_since_best >= patience:
                history["stopped_early"] = True
                break
    bar.close()
    if has_val:
        model.load_state_dict(best_state)  # the weights of the best epoch, not of the last
    elif checkpoint_path is not None:
        save_checkpoint(model, checkpoint_path, epoch=len(history["train_loss"]))
    return history
