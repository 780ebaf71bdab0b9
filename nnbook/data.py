"""Data sets for the book: MNIST through torchvision, with a clear error when it is missing.

Introduced in Chapter 5, the first to train on MNIST; the later chapters use it too. Where the files
are looked for: the ``root`` argument, else the ``NNBOOK_DATA`` environment variable,
else a per-user cache folder. ``root`` is the folder that *holds* ``MNIST/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from nnbook.checks import check_array, check_choice, check_positive_int, check_seed, check_type
from nnbook.files import folder_from_env

MNIST_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def default_data_root() -> Path:
    """The folder that holds ``MNIST/``: ``$NNBOOK_DATA``, else ``~/.cache/nnbook/data``."""
    return folder_from_env("NNBOOK_DATA", "data")


def _missing_mnist_message(root: Path, reason: str) -> str:
    raw = root / "MNIST" / "raw"
    missing = [name for name in MNIST_FILES if not (raw / name).exists()]
    return (
        f"MNIST is not in {raw} and could not be downloaded ({reason}).\n"
        f"Missing files: {', '.join(missing) or 'none (the files may be damaged)'}.\n"
        f"Put the four raw files {', '.join(MNIST_FILES)} in {raw}, or set the environment "
        f"variable NNBOOK_DATA (or pass root=) to the folder that holds MNIST/raw/."
    )


def load_mnist(train: bool = True, root: str | os.PathLike | None = None, transform=None):
    """Return torchvision's ``MNIST`` data set (60,000 training or 10,000 test images).

    train: the official training split (True) or test split (False).
    root: the folder that holds ``MNIST/``; default ``default_data_root()``.
    transform: passed on to torchvision (e.g. ``transforms.ToTensor()``).
    The files are downloaded on first use when there is a network; otherwise the
    error names the files and the folder it looked in.
    """
    check_type("train", train, bool, "True or False")
    check_type("root", root, (str, os.PathLike), "a path", allow_none=True)
    root = Path(root).expanduser() if root is not None else default_data_root()
    if root.exists() and not root.is_dir():
        raise ValueError(f"root must be a folder that holds MNIST/, got the file {root}")

    from torchvision import datasets  # here: nnbook.results imports this module, and should stay cheap

    try:
        return datasets.MNIST(root=str(root), train=train, download=True, transform=transform)
    except (RuntimeError, OSError, ValueError) as error:  # no network, or a damaged download
        lines = str(error).strip().splitlines()
        reason = lines[-1] if lines else type(error).__name__  # the last line says why, e.g. no network
        raise FileNotFoundError(_missing_mnist_message(root, reason)) from None


def load_mnist_arrays(train: bool = True, root: str | os.PathLike | None = None, dtype: str = "float32"):
    """Return MNIST as NumPy arrays ``(X, y)`` for models that take rows of pixels.

    train: the official training split (60,000 images) or test split (10,000).
    root: the folder that holds ``MNIST/`` (see ``load_mnist``).
    dtype: ``"float32"`` or ``"float64"`` for ``X``.
    Returns ``X: (n, 784)`` with pixels scaled to [0, 1] (row-major 28×28 images) and
    ``y: (n,)`` int64 labels in 0..9.
    """
    check_choice("dtype", dtype, ("float32", "float64"))
    data = load_mnist(train=train, root=root)
    images = data.data.numpy()  # (n, 28, 28) uint8
    X = images.reshape(len(images), 28 * 28).astype(dtype) / np.array(255, dtype=dtype)
    y = data.targets.numpy().astype(np.int64)
    return X, y


def train_val_split(y, n_val: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Split the indices of the labels ``y`` into a training and a validation part, stratified.

    y: (n,) class labels; n_val: size of the validation part, 0 < n_val < n; seed: an int in [0, 2**32).
    Each class keeps (as nearly as possible) its share of ``y`` in both parts: scikit-learn's
    ``train_test_split(..., stratify=y)``. Returns ``(train_idx, val_idx)``: int64 index arrays
    of sizes ``n - n_val`` and ``n_val``, disjoint, covering every index once. The same seed
    gives the same split.
    """
    y = check_array("y", y, ndim=1, layout="(n,) class labels")
    n_val = check_positive_int("n_val", n_val)
    seed = check_seed("seed", seed)
    from sklearn.model_selection import train_test_split  # here, like torchvision above

    # sklearn explains n_val >= n, and classes too small to appear in both parts
    indices = np.arange(len(y), dtype=np.int64)
    train_idx, val_idx = train_test_split(indices, test_size=n_val, random_state=seed, stratify=y)
    return train_idx, val_idx
