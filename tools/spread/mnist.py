"""Seed spreads of the MNIST chapters' trained models (Chapters 5 and 6), for their accuracy floors.

Each run(seed) trains what the chapter trains, through the same nnbook functions and with the same
settings, the seed being the only change (seed 0 is the chapter's own run), and returns its test and
validation accuracies in %. Keep these in step with the chapters: a changed setting there needs a
new spread here (python -m tools.seed_spread NAME --seeds 5).
"""
from __future__ import annotations

import math


import numpy as np
import torch
from torch import nn

from nnbook.augment import random_shift
from nnbook.data import load_mnist_arrays, train_val_split
from nnbook.numpy_net import MLP, train
from nnbook.optimizers import SGD
from nnbook.reproducibility import seed_everything
from nnbook.torch_training import evaluate, fit

_DATA = {}


def data():
    """Chapter 5's split and normalisation: (X_train, y_train, X_val, y_val, X_test, y_test, background)."""
    if not _DATA:
        X_full, y_full = load_mnist_arrays(train=True)
        X_test, y_test = load_mnist_arrays(train=False)
        train_idx, val_idx = train_val_split(y_full, n_val=5_000, seed=0)
        mean, std = float(X_full[train_idx].mean()), float(X_full[train_idx].std())
        _DATA["arrays"] = ((X_full[train_idx] - mean) / std, y_full[train_idx],
                           (X_full[val_idx] - mean) / std, y_full[val_idx],
                           (X_test - mean) / std, y_test, (0.0 - mean) / std)
    return _DATA["arrays"]


def torch_mlp(sizes=(784, 512, 10), dropout=0.0):
    """Chapter 5's TorchMLP (dropout=0) and Chapter 6's (dropout after the hidden layer), as nn.Sequential."""
    layers = []
    for n_in, n_out in zip(sizes[:-2], sizes[1:-1]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()] + ([nn.Dropout(dropout)] if dropout else [])
    return nn.Sequential(*layers, nn.Linear(sizes[-2], sizes[-1]))


def numpy_mlp(seed: int) -> dict:
    """Chapter 5: the NumPy MLP 784-512-10, output layer x 0.1, plain SGD lr 0.2, batches of 128, 10 epochs."""
    X_train, y_train, X_val, y_val, X_test, y_test, _ = data()
    net = MLP([784, 512, 10], activation="relu", loss="cross_entropy", init="he", seed=seed, dtype="float32")
    net.params["W2"] *= 0.1
    train(net, X_train, y_train, SGD(lr=0.2), num_epochs=10, batch_size=128, seed=seed)
    return {"test accuracy": 100 * net.accuracy(X_test, y_test), "validation accuracy": 100 * net.accuracy(X_val, y_val)}


def torch_plain_mlp(seed: int) -> dict:
    """Chapter 5: the PyTorch MLP 784-512-10, plain SGD lr 0.2, batches of 128, 10 epochs, no validation during training."""
    X_train, y_train, X_val, y_val, X_test, y_test, _ = data()
    seed_everything(seed)
    net = torch_mlp()
    fit(net, X_train, y_train, optimizer=torch.optim.SGD(net.parameters(), lr=0.2),
        num_epochs=10, batch_size=128, seed=seed, progress=False)
    return {"test accuracy": 100 * evaluate(net, X_test, y_test)[1],
            "validation accuracy": 100 * evaluate(net, X_val, y_val)[1]}


def adamw(model, lr, weight_decay):
    """Chapter 6's AdamW with the biases in a group without decay."""
    weights = [p for p in model.parameters() if p.ndim >= 2]   # matrices and kernels; biases, γ, β are vectors
    others = [p for p in model.parameters() if p.ndim < 2]
    return torch.optim.AdamW([{"params": weights, "weight_decay": weight_decay},
                              {"params": others, "weight_decay": 0.0}], lr=lr)


def full_recipe(seed: int, cosine: bool = True) -> dict:
    """Chapter 6's recipe: 784-512-10 with dropout 0.2, AdamW 1e-3 (decay 0.1, weights only), cosine schedule,
    label smoothing 0.1, random shifts of one pixel, 10 epochs, early stopping on validation (patience 3)."""
    X_train, y_train, X_val, y_val, X_test, y_test, background = data()
    seed_everything(seed)
    net = torch_mlp(dropout=0.2)
    optimizer = adamw(net, lr=1e-3, weight_decay=0.1)
    steps = 10 * math.ceil(len(X_train) / 128)

    def shift(X_batch):  # Chapter 6's random_shift on flattened images: the same draws
        return random_shift(X_batch.view(-1, 28, 28), 1, background).view(-1, 784)

    fit(net, X_train, y_train, X_val, y_val, optimizer=optimizer,
        scheduler=torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps) if cosine else None,
        loss_fn=nn.CrossEntropyLoss(label_smoothing=0.1), augment=shift, num_epochs=10, batch_size=128,
        patience=3, seed=seed, progress=False)
    return {"test accuracy": 100 * evaluate(net, X_test, y_test)[1],
            "validation accuracy": 100 * evaluate(net, X_val, y_val)[1]}


def recipe_no_cosine(seed: int) -> dict:
    """Chapter 6's recipe without its cosine schedule (a constant learning rate): the schedule's effect on all the data."""
    return full_recipe(seed, cosine=False)


def adam_alone(seed: int) -> dict:
    """Chapter 6's baseline on all the data: 784-512-10, Adam 1e-3 (AdamW with decay 0), batches of 128,
    10 epochs, the best validation epoch kept (fit with validation data, no patience)."""
    X_train, y_train, X_val, y_val, X_test, y_test, _ = data()
    seed_everything(seed)
    net = torch_mlp()
    fit(net, X_train, y_train, X_val, y_val, optimizer=adamw(net, lr=1e-3, weight_decay=0.0),
        num_epochs=10, batch_size=128, seed=seed, progress=False)
    return {"test accuracy": 100 * evaluate(net, X_test, y_test)[1],
            "validation accuracy": 100 * evaluate(net, X_val, y_val)[1]}


EXPERIMENTS = {"mnist_numpy_mlp": numpy_mlp, "mnist_torch_mlp": torch_plain_mlp, "mnist_full_recipe": full_recipe,
               "mnist_recipe_no_cosine": recipe_no_cosine, "mnist_adam_alone": adam_alone}
