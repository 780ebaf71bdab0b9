"""A convolution layer and max-pooling in NumPy, forward and backward, as Chapter 7 derives them.

Deep-learning libraries compute a cross-correlation and call it convolution; so do we.
Shapes follow PyTorch: images ``X: (n, C_in, H, W)``, kernels ``K: (C_out, C_in, kH, kW)``.
Cut into windows (im2col), a convolution is one matrix product, Chapter 2's ``X @ W``.
Tested against ``torch.nn.functional.conv2d`` / ``max_pool2d`` and autograd.
Chapter 7's small NumPy CNN (nnbook.numpy_cnn) is built from these functions.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nnbook.checks import check_array, check_positive_int


def conv_output_size(size: int, kernel_size: int, padding: int = 0, stride: int = 1) -> int:
    """Output length along one axis: ``(size + 2 * padding - kernel_size) // stride + 1``.

    size: input height or width; kernel_size: kernel height or width; padding: zeros added on
    each side (>= 0); stride: step between windows (>= 1).
    """
    size = check_positive_int("size", size)
    kernel_size = check_positive_int("kernel_size", kernel_size)
    stride = check_positive_int("stride", stride)
    padding = _check_padding(padding)
    if kernel_size > size + 2 * padding:
        raise ValueError(f"kernel_size must fit in the padded input: kernel_size={kernel_size} > "
                         f"size + 2 * padding = {size + 2 * padding}")
    return (size + 2 * padding - kernel_size) // stride + 1


def _check_padding(padding) -> int:
    if isinstance(padding, bool) or not isinstance(padding, (int, np.integer)):
        raise TypeError(f"padding must be a non-negative int, got {type(padding).__name__} {padding!r}")
    if padding < 0:
        raise ValueError(f"padding must be a non-negative int, got {padding}")
    return int(padding)


def _check_conv_args(X, K, stride, padding):
    X = check_array("X", X, ndim=4, layout="(n, C_in, H, W)")
    K = check_array("K", K, ndim=4, layout="(C_out, C_in, kH, kW)")
    if X.shape[1] != K.shape[1]:
        raise ValueError(f"X has {X.shape[1]} channels but K expects C_in = {K.shape[1]} "
                         f"(X: {X.shape}, K: {K.shape})")
    stride, padding = check_positive_int("stride", stride), _check_padding(padding)
    for axis in (2, 3):  # raises when the kernel does not fit in the padded image
        conv_output_size(X.shape[axis], K.shape[axis], padding, stride)
    return X, K, stride, padding


def pad(X: np.ndarray, padding: int) -> np.ndarray:
    """Add ``padding`` rows and columns of zeros around each image of ``X: (n, C, H, W)``."""
    return np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))


def im2col(X_padded: np.ndarray, kH: int, kW: int, stride: int) -> np.ndarray:
    """Every (kH, kW) window of every image, flattened: ``(n, C, Hp, Wp) -> (n, H_out, W_out, C*kH*kW)``."""
    windows = sliding_window_view(X_padded, (kH, kW), axis=(2, 3))  # (n, C, Hp-kH+1, Wp-kW+1, kH, kW)
    windows = windows[:, :, ::stride, ::stride]                      # (n, C, H_out, W_out, kH, kW)
    n, C, H_out, W_out = windows.shape[:4]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n, H_out, W_out, C * kH * kW)


def conv2d(X: np.ndarray, K: np.ndarray, b: np.ndarray | None = None, stride: int = 1,
           padding: int = 0) -> np.ndarray:
    """The convolution layer's output ``Y: (n, C_out, H_out, W_out)``.

    ``Y[i, o, h, w] = b[o] + sum over c, p, q of X_pad[i, c, h*stride + p, w*stride + q] * K[o, c, p, q]``.
    X: (n, C_in, H, W); K: (C_out, C_in, kH, kW); b: (C_out,) or None; padding: zeros on each side.
    """
    X, K, stride, padding = _check_conv_args(X, K, stride, padding)
    C_out, _, kH, kW = K.shape
    if b is not None:
        b = check_array("b", b, ndim=1, layout="(C_out,)")
        if b.shape != (C_out,):
            raise ValueError(f"b must have shape (C_out,) = ({C_out},), got {b.shape}")
    cols = im2col(pad(X, padding), kH, kW, stride)  # (n, H_out, W_out, C_in*kH*kW)
    Y = cols @ K.reshape(C_out, -1).T              # (n, H_out, W_out, C_out): one row per window
    if b is not None:
        Y = Y + b
    return Y.transpose(0, 3, 1, 2)                  # (n, C_out, H_out, W_out)


def conv2d_backward(dY: np.ndarray, X: np.ndarray, K: np.ndarray, stride: int = 1,
                    padding: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients ``(dX, dK, db)`` of a loss, given ``dY = dL/dY`` of ``Y = conv2d(X, K, b, stride, padding)``.

    dY: (n, C_out, H_out, W_out); X, K as in ``conv2d``. Returns dX: X.shape, dK: K.shape, db: (C_out,).
    """
    X, K, stride, padding = _check_conv_args(X, K, stride, padding)
    dY = check_array("dY", dY, ndim=4, layout="(n, C_out, H_out, W_out)")
    n, C_in, H, W = X.shape
    C_out, _, kH, kW = K.shape
    H_out, W_out = (conv_output_size(s, k, padding, stride) for s, k in ((H, kH), (W, kW)))
    if dY.shape != (n, C_out, H_out, W_out):
        raise ValueError(f"dY must have the output's shape {(n, C_out, H_out, W_out)}, got {dY.shape}")
    X_padded = pad(X, padding)
    cols = im2col(X_padded, kH, kW, stride).reshape(-1, C_in * kH * kW)  # (n*H_out*W_out, C_in*kH*kW)
    dY_rows = dY.transpose(0, 2, 3, 1).reshape(-1, C_out)                 # (n*H_out*W_out, C_out)

    db = dY_rows.sum(axis=0)                                  # (C_out,)
    dK = (dY_rows.T @ cols).reshape(K.shape)                  # like dW = A^T dZ in Chapter 3
    dcols = (dY_rows @ K.reshape(C_out, -1)).reshape(n, H_out, W_out, C_in, kH, kW)

    # each window's gradient goes back to the pixels it was cut from (overlaps add up)
    dX_padded = np.zeros_like(X_padded, dtype=dcols.dtype)
    for p in range(kH):
        for q in range(kW):
            rows = slice(p, p + stride * H_out, stride)
            columns = slice(q, q + stride * W_out, stride)
            dX_padded[:, :, rows, columns] += dcols[..., p, q].transpose(0, 3, 1, 2)
    dX = dX_padded[:, :, padding:padding + H, padding:padding + W]
    return dX, dK, db


def _check_pooling(X, size):
    """X as an array (n, C, H, W), size, and the pooled shape (n, C, H // size, W // size)."""
    X = check_array("X", X, ndim=4, layout="(n, C, H, W)")
    size = check_positive_int("size", size)
    n, C, H, W = X.shape
    if size > min(H, W):
        raise ValueError(f"size must fit in the image: size={size} > min(H, W) = {min(H, W)}")
    return X, size, (n, C, H // size, W // size)


def max_pool2d(X: np.ndarray, size: int = 2) -> np.ndarray:
    """The largest value of each ``size x size`` block: ``(n, C, H, W) -> (n, C, H // size, W // size)``.

    Rows and columns that do not fill a whole block are dropped, as in ``torch.nn.MaxPool2d(size)``.
    """
    X, size, (n, C, H_out, W_out) = _check_pooling(X, size)
    blocks = X[:, :, :H_out * size, :W_out * size].reshape(n, C, H_out, size, W_out, size)
    return blocks.max(axis=(3, 5))


def max_pool2d_backward(dY: np.ndarray, X: np.ndarray, size: int = 2) -> np.ndarray:
    """Gradient ``dX`` of a loss, given ``dY = dL/dY`` of ``Y = max_pool2d(X, size)``.

    X: (n, C, H, W); dY: (n, C, H // size, W // size). Each block passes its gradient to the
    entry that was its maximum and 0 to the others; in a tie, to the first one in row order, as
    PyTorch does. Rows and columns that ``max_pool2d`` dropped get 0. Returns dX: X.shape.
    """
    X, size, (n, C, H_out, W_out) = _check_pooling(X, size)
    dY = check_array("dY", dY, ndim=4, layout="(n, C, H_out, W_out)")
    if dY.shape != (n, C, H_out, W_out):
        raise ValueError(f"dY must have the pooled output's shape {(n, C, H_out, W_out)}, got {dY.shape}")
    blocks = (X[:, :, :H_out * size, :W_out * size]
              .reshape(n, C, H_out, size, W_out, size)
              .transpose(0, 1, 2, 4, 3, 5)
              .reshape(n, C, H_out, W_out, size * size))       # one row of size*size per block
    winner = blocks.argmax(axis=-1)                             # (n, C, H_out, W_out): first maximum
    is_winner = np.arange(size * size) == winner[..., None]     # (n, C, H_out, W_out, size*size)
    dblocks = np.where(is_winner, dY[..., None], 0).astype(np.result_type(dY, X), copy=False)
    dX = np.zeros(X.shape, dtype=dblocks.dtype)
    dX[:, :, :H_out * size, :W_out * size] = (dblocks.reshape(n, C, H_out, W_out, size, size)
                                              .transpose(0, 1, 2, 4, 3, 5)
                                              .reshape(n, C, H_out * size, W_out * size))
    return dX
