"""Chapter 7's NumPy CNN: batch normalisation by hand, and a small CNN with its training loop.

Built from nnbook.conv (convolution, max-pooling, their gradients) and nnbook.functional's ReLU and
softmax cross-entropy; trained with nnbook.optimizers.Adam by the MLP's loop, nnbook.numpy_training. Shapes follow PyTorch: images ``X: (n, C, H, W)``.
Written to be read, not tuned; the tests compare every function with PyTorch and autograd.
"""

from __future__ import annotations

import math

import numpy as np

from nnbook.checks import check_array, check_number, check_positive_int, check_seed, check_type
from nnbook.conv import conv2d, conv2d_backward, max_pool2d, max_pool2d_backward
from nnbook.functional import cross_entropy, cross_entropy_dZ, relu, relu_prime, softmax
from nnbook.numpy_training import Module, run_epochs
from nnbook.optimizers import Adam

__all__ = ["batch_norm", "batch_norm_backward", "ConvNet", "train"]


# ---- batch normalisation -----------------------------------------------------------------------

def _check_batch_norm_args(X, gamma, beta, eps):
    X = check_array("X", X, layout="(n, C) or (n, C, H, W)")
    if X.ndim not in (2, 4):
        raise ValueError(f"X must be 2-D (n, C) or 4-D (n, C, H, W), got shape {X.shape}")
    C = X.shape[1]
    for name, P in (("gamma", gamma), ("beta", beta)):
        P = check_array(name, P, ndim=1, layout="(C,)")
        if P.shape != (C,):
            raise ValueError(f"{name} must have shape (C,) = ({C},), one number per channel, got {P.shape}")
    eps = check_number("eps", eps, low=0.0, low_open=True)
    m = X.size // C  # the numbers per channel that share one mean and variance
    if m < 2:
        raise ValueError(f"X must hold at least 2 numbers per channel to have a variance, got shape {X.shape}")
    return X, eps


def _statistics(X, eps):
    """Per channel: the mean, 1 / sqrt(biased variance + eps), the normalised X and the axes summed over."""
    axes = (0, 2, 3) if X.ndim == 4 else (0,)   # every axis but the channels: N x H x W numbers
    mean = X.mean(axis=axes, keepdims=True)        # (1, C, 1, 1) or (1, C)
    var = X.var(axis=axes, keepdims=True)          # biased: divides by m = N * H * W, not m - 1
    inv_std = 1.0 / np.sqrt(var + eps)
    return mean, inv_std, (X - mean) * inv_std, axes


def _per_channel(P, X):
    """A (C,) vector shaped to broadcast over X's channel axis."""
    return P.reshape((1, -1, 1, 1) if X.ndim == 4 else (1, -1))


def batch_norm(X: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """Batch normalisation in training mode: ``Y = gamma * (X - mean) / sqrt(var + eps) + beta``.

    X: (n, C, H, W) after a convolution, or (n, C) after a dense layer; gamma, beta: (C,).
    mean and var are per channel, over the n * H * W numbers of that channel in the batch; var is
    the biased variance (divided by n * H * W), as torch.nn.functional.batch_norm(training=True).
    Returns Y: X.shape.
    """
    X, eps = _check_batch_norm_args(X, gamma, beta, eps)
    _, _, X_hat, _ = _statistics(X, eps)
    return _per_channel(gamma, X) * X_hat + _per_channel(beta, X)


def batch_norm_backward(dY: np.ndarray, X: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                        eps: float = 1e-5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients ``(dX, dgamma, dbeta)`` of a loss, given ``dY = dL/dY`` of ``Y = batch_norm(X, gamma, beta, eps)``.

    The mean and the variance depend on every X of their channel, so dX has three terms:
        dX = inv_std / m * (m * dX_hat - sum(dX_hat) - X_hat * sum(dX_hat * X_hat)),  dX_hat = gamma * dY,
    sums over the m = n * H * W numbers of a channel. dY: X.shape. Returns dX: X.shape, dgamma, dbeta: (C,).
    """
    X, eps = _check_batch_norm_args(X, gamma, beta, eps)
    dY = check_array("dY", dY, layout="X.shape")
    if dY.shape != X.shape:
        raise ValueError(f"dY must have X's shape {X.shape}, got {dY.shape}")
    _, inv_std, X_hat, axes = _statistics(X, eps)
    m = X.size // X.shape[1]
    dgamma = (dY * X_hat).sum(axis=axes)                      # (C,)
    dbeta = dY.sum(axis=axes)                                 # (C,)
    dX_hat = dY * _per_channel(gamma, X)                      # X.shape
    dX = inv_std / m * (m * dX_hat - dX_hat.sum(axis=axes, keepdims=True)
                        - X_hat * (dX_hat * X_hat).sum(axis=axes, keepdims=True))
    return dX, dgamma, dbeta


# ---- a small CNN -------------------------------------------------------------------------------

class ConvNet(Module):
    """conv (k x k, "same" padding) -> ReLU -> 2 x 2 max-pooling -> dense -> logits, in NumPy.

    Parameters, named after the layers: K1: (channels, C_in, k, k), b1: (channels,),
    W2: (channels * (H // 2) * (W // 2), num_classes), b2: (num_classes,). The pooled maps are
    flattened channel by channel, as torch.nn.Flatten does. Weights are drawn with He's standard
    deviation sqrt(2 / fan_in) from np.random.default_rng(seed), the output layer's W2 then scaled by
    0.1 (Chapter 5: small logits, a loss at initialisation near ln 10); biases start at 0.
    in_shape: (C_in, H, W) of one image, H and W even (k odd). dtype: "float32" or "float64".
    """

    def __init__(self, in_shape: tuple[int, int, int] = (1, 28, 28), channels: int = 8,
                 kernel_size: int = 3, num_classes: int = 10, seed: int = 0, dtype: str = "float32"):
        check_type("in_shape", in_shape, (tuple, list), "a tuple (C_in, H, W)")
        if len(in_shape) != 3:
            raise ValueError(f"in_shape must be (C_in, H, W), got {tuple(in_shape)}")
        C_in, H, W = (check_positive_int(f"in_shape[{i}]", s) for i, s in enumerate(in_shape))
        if H % 2 or W % 2:
            raise ValueError(f"in_shape's H and W must be even (2 x 2 pooling), got {(H, W)}")
        channels = check_positive_int("channels", channels)
        k = check_positive_int("kernel_size", kernel_size)
        if k % 2 == 0:
            raise ValueError(f"kernel_size must be odd (same padding (k - 1) / 2), got {k}")
        num_classes = check_positive_int("num_classes", num_classes)
        if dtype not in ("float32", "float64"):
            raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
        rng = np.random.default_rng(check_seed("seed", seed))
        self.in_shape, self.padding, self.dtype = (C_in, H, W), k // 2, np.dtype(dtype)
        n_flat = channels * (H // 2) * (W // 2)
        self.params = {
            "K1": rng.normal(0, math.sqrt(2 / (C_in * k * k)), (channels, C_in, k, k)),
            "b1": np.zeros(channels),
            "W2": 0.1 * rng.normal(0, math.sqrt(2 / n_flat), (n_flat, num_classes)),  # small logits
            "b2": np.zeros(num_classes),
        }
        self.params = {name: P.astype(self.dtype) for name, P in self.params.items()}
        self.decayed = ("K1", "W2")  # weight decay shrinks the kernels and the weights, not the biases

    def __repr__(self) -> str:
        C_out, C_in, k, _ = self.params["K1"].shape
        return (f"ConvNet(in_shape={self.in_shape}, channels={C_out}, kernel_size={k}, "
                f"num_classes={self.params['b2'].size}, dtype={self.dtype.name!r})")

    def _check_X(self, X) -> np.ndarray:
        X = check_array("X", X, ndim=4, layout="(n, C_in, H, W)")
        if X.shape[1:] != self.in_shape:
            raise ValueError(f"X must hold images of shape {self.in_shape}, got {X.shape[1:]}")
        return X.astype(self.dtype, copy=False)

    def _check_y(self, y, n: int) -> np.ndarray:
        y = check_array("y", y, ndim=1, layout="(n,) integer labels")
        num_classes = self.params["b2"].size
        if not np.issubdtype(y.dtype, np.integer):
            raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
        if len(y) != n:
            raise ValueError(f"X and y must have the same number of examples, got {n} and {len(y)}")
        if y.size and (y.min() < 0 or y.max() >= num_classes):
            raise ValueError(f"y must hold labels in [0, {num_classes}), got {y.min()}..{y.max()}")
        return y

    def forward(self, X, return_cache: bool = False, *, check_input: bool = True):
        """Logits Z2: (n, num_classes) for X: (n, C_in, H, W); with return_cache also the dict backward reads.

        check_input=False skips checking X (train checks all of X once, not every mini-batch)."""
        X = self._check_X(X) if check_input else X
        p = self.params
        Z1 = conv2d(X, p["K1"], p["b1"], padding=self.padding)   # (n, channels, H, W)
        A1 = relu(Z1)
        P1 = max_pool2d(A1, 2)                                    # (n, channels, H/2, W/2)
        A_flat = P1.reshape(len(X), -1)                           # (n, channels * H/2 * W/2)
        Z2 = A_flat @ p["W2"] + p["b2"]                           # (n, num_classes)
        cache = {"X": X, "Z1": Z1, "A1": A1, "A_flat": A_flat, "Z2": Z2}
        return (Z2, cache) if return_cache else Z2

    def backward(self, cache: dict, y, l2: float = 0.0, *, check_input: bool = True) -> dict[str, np.ndarray]:
        """Gradients {"K1": dK1, "b1": db1, "W2": dW2, "b2": db2} of the mean softmax cross-entropy
        (plus (l2 / 2) * the sum of squared kernels and weights) at the forward pass whose cache is given.

        y: (n,) integer labels. check_input=False skips checking the arguments (train checks y once)."""
        if check_input:
            check_type("cache", cache, dict, "the dict that forward(X, return_cache=True) returns")
            if set(cache) != {"X", "Z1", "A1", "A_flat", "Z2"}:
                raise ValueError(f"cache must be the dict of forward(X, return_cache=True), got keys {sorted(cache)}")
            y, l2 = self._check_y(y, len(cache["X"])), check_number("l2", l2, low=0.0)
        X, Z1, A1, A_flat, Z2 = (cache[key] for key in ("X", "Z1", "A1", "A_flat", "Z2"))
        p = self.params
        dZ2 = cross_entropy_dZ(softmax(Z2), y)                             # (n, num_classes), Chapter 3
        dW2 = A_flat.T @ dZ2                                               # like dW = A^T dZ
        db2 = dZ2.sum(axis=0)
        n, C, H, W = A1.shape
        dP1 = (dZ2 @ p["W2"].T).reshape(n, C, H // 2, W // 2)            # back to the pooled maps
        dA1 = max_pool2d_backward(dP1, A1, 2)                              # to each block's maximum
        dZ1 = dA1 * relu_prime(Z1, A1)                                     # ReLU
        _, dK1, db1 = conv2d_backward(dZ1, X, p["K1"], padding=self.padding)
        grads = {"K1": dK1, "b1": db1, "W2": dW2, "b2": db2}
        for name in self.decayed if l2 else ():
            grads[name] = grads[name] + l2 * p[name]  # + the gradient of (l2 / 2) ||P||^2
        return grads

    def loss(self, X, y) -> float:
        """Mean softmax cross-entropy of the logits on integer labels y: (n,)."""
        Z2 = self.forward(X)
        return cross_entropy(Z2, self._check_y(y, len(Z2)))

    def _mean_loss(self, cache: dict, y: np.ndarray) -> float:
        """The mean softmax cross-entropy of the forward pass whose cache is given."""
        return cross_entropy(cache["Z2"], y)

    def _classes(self, Z2: np.ndarray) -> np.ndarray:
        """(n,) the class of the largest logit of each row."""
        return Z2.argmax(axis=1)

    def predict(self, X, batch_size: int = 1000) -> np.ndarray:
        """(n,) the most probable class of each image, computed batch_size images at a time."""
        X = self._check_X(X)
        batch_size = check_positive_int("batch_size", batch_size)
        return np.concatenate([self._classes(self.forward(X[i:i + batch_size], check_input=False))
                               for i in range(0, len(X), batch_size)])

    def accuracy(self, X, y) -> float:
        """Fraction of the images of X whose predicted class equals y."""
        X = self._check_X(X)
        return float(np.mean(self.predict(X) == self._check_y(y, len(X))))


def train(net: ConvNet, X, y, lr: float = 1e-3, num_epochs: int = 3, batch_size: int = 64,
          X_val=None, y_val=None, seed: int = 0) -> dict[str, list[float]]:
    """Train ``net`` in place with mini-batch Adam on the mean softmax cross-entropy; return the history.

    X: (n, C_in, H, W), y: (n,) integer labels; X_val, y_val likewise (optional).
    Images are reshuffled every epoch with np.random.default_rng(seed).
    History per epoch: "train_loss" and "train_acc" (averaged over the epoch's mini-batches, before each
    step), "val_acc" (after the epoch, with validation data) and "epoch_time" (seconds of the training steps).
    The loop is the MLP's, nnbook.numpy_training.run_epochs. Raises FloatingPointError when the loss
    or a parameter becomes nan or inf.
    """
    check_type("net", net, ConvNet, "an nnbook.numpy_cnn.ConvNet")
    lr = check_number("lr", lr, low=0.0, low_open=True)
    num_epochs = check_positive_int("num_epochs", num_epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    X = net._check_X(X)
    y = net._check_y(y, len(X))
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together (or both left None)")
    keys = ("train_loss", "train_acc", "epoch_time")
    if X_val is not None:
        X_val = net._check_X(X_val)
        y_val = net._check_y(y_val, len(X_val))
        keys += ("val_acc",)
    rng = np.random.default_rng(check_seed("seed", seed))
    return run_epochs(net, X, y, Adam(lr), keys, num_epochs, batch_size, rng, X_val=X_val, y_val=y_val)
