"""The math of the NumPy networks: activations with their derivatives, and the losses with theirs.

Chapter 1 introduces the activations, Chapter 2 the losses and Chapter 3 every derivative here;
nnbook.numpy_net (the MLP) and nnbook.numpy_cnn (the ConvNet) both compute with these functions.
Batches are rows: Z is (n, n_l), one row per example. A derivative g'(Z, A) is given A = g(Z) as
well, because sigmoid's and tanh's are cheaper written with A (Nielsen's `sigmoid_prime`).
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

__all__ = ["sigmoid", "sigmoid_prime", "tanh", "tanh_prime", "relu", "relu_prime", "leaky_relu",
           "leaky_relu_prime", "identity", "softmax", "log_softmax", "one_hot", "mse", "mse_dZ", "bce",
           "bce_dZ", "cross_entropy", "cross_entropy_dZ", "ACTIVATIONS", "LOSSES", "LEAKY_SLOPE"]

LEAKY_SLOPE = 0.01


# ---- activations A = g(Z) and their derivatives g'(Z, A), element-wise ------------------------------

def sigmoid(Z):
    return 0.5 * (1 + np.tanh(0.5 * Z))  # = 1 / (1 + e^{-Z}), written so that it never overflows


def sigmoid_prime(Z, A):
    return A * (1 - A)  # sigma'(z) = sigma(z) (1 - sigma(z))


def tanh(Z):
    return np.tanh(Z)


def tanh_prime(Z, A):
    return 1 - A**2  # tanh'(z) = 1 - tanh(z)^2


def relu(Z):
    return np.maximum(Z, 0.0)


def relu_prime(Z, A):
    return Z > 0  # 1 where z > 0, else 0 (0 at z = 0, as PyTorch)


def leaky_relu(Z):
    return np.maximum(Z, LEAKY_SLOPE * Z)


def leaky_relu_prime(Z, A):
    return np.where(Z > 0, 1, LEAKY_SLOPE).astype(Z.dtype)


# ---- the output layer's functions, over each row ----------------------------------------------------

def identity(Z):
    return Z  # mse's output layer: y_hat = Z

def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))  # (n, c); every exponent is <= 0: no overflow
    return E / E.sum(axis=1, keepdims=True)


def log_softmax(Z):
    Z_max = Z.max(axis=1, keepdims=True)  # (n, 1)
    return Z - Z_max - np.log(np.exp(Z - Z_max).sum(axis=1, keepdims=True))  # Z - log sum_k e^{Z_k}


def one_hot(y, num_classes, dtype):
    return np.eye(num_classes, dtype=dtype)[y]  # (n,) labels -> (n, num_classes)


# ---- losses: the mean over the batch, computed from the logits Z (numerically safer than from
# ---- y_hat), and dZ = dLoss/dZ, computed from y_hat = output(Z) and the targets ---------------------

def mse(Z, Y):
    return float(np.mean((Z - Y) ** 2))  # over all n * n_out entries, as torch's F.mse_loss


def mse_dZ(Y_hat, Y):
    return 2 * (Y_hat - Y) / Y_hat.size  # (n, n_out); y_hat = Z


def bce(Z, Y):
    return float(np.mean(np.logaddexp(0, Z) - Y * Z))  # -[y log sigma(z) + (1-y) log(1 - sigma(z))]


def bce_dZ(Y_hat, Y):
    return (Y_hat - Y) / len(Y_hat)  # (n, 1); y_hat = sigma(Z): the sigmoid's derivative cancels


def cross_entropy(Z, y):
    return float(-np.mean(log_softmax(Z)[np.arange(len(y)), y]))  # -log softmax(z)_y, averaged


def cross_entropy_dZ(Y_hat, y):
    return (Y_hat - one_hot(y, Y_hat.shape[1], Y_hat.dtype)) / len(Y_hat)  # (n, c); y_hat = softmax(Z)


# A hidden activation by name: A = g(Z), and its derivative g'(Z, A).
Activation = namedtuple("Activation", ["g", "derivative"])
ACTIVATIONS = {
    "sigmoid": Activation(sigmoid, sigmoid_prime),
    "tanh": Activation(tanh, tanh_prime),
    "relu": Activation(relu, relu_prime),
    "leaky_relu": Activation(leaky_relu, leaky_relu_prime),
}

# A loss by name: the output layer's function (y_hat = output(Z{L})), the mean loss from the logits Z{L},
# and dZ{L} from y_hat and the targets.
Loss = namedtuple("Loss", ["output", "value", "dZ"])
LOSSES = {
    "mse": Loss(identity, mse, mse_dZ),
    "bce": Loss(sigmoid, bce, bce_dZ),
    "cross_entropy": Loss(softmax, cross_entropy, cross_entropy_dZ),
}
