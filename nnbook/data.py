"""Data sets for the book: MNIST through torchvision, with a clear error when it is missing.

Introduced in Chapter 5, the first to train on MNIST; Chapter 6 uses it too. Where the files
are looked for: the ``root`` argument, else the ``NNBOOK_DATA`` environment variable,
else a per-user cache folder. ``root`` is the folder that *holds* ``MNIST/``.
"""

from __future__ import annotations

import os
from pathlib import Path

MNIST_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def folder_from_env(variable: str, name: str) -> Path:
    """The folder named by environment variable ``variable``, else ``~/.cache/nnbook/<name>``.

    Respects ``XDG_CACHE_HOME``; used for the data (``NNBOOK_DATA``) and the results
    (``NNBOOK_RESULTS_DIR``), so that nothing is written inside the book's folders.
    """
    value = os.environ.get(variable)
    if value:
        return Path(value).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "nnbook" / name


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
    if not isinstance(train, bool):
        raise TypeError(f"train must be True or False, got {type(train).__name__} {train!r}")
    if root is not None and not isinstance(root, (str, os.PathLike)):
        raise TypeError(f"root must be a path or None, got {type(root).__name__} {root!r}")
    root = Path(root).expanduser() if root is not None else default_data_root()
    if root.exists() and not root.is_dir():
        raise ValueError(f"root must be a folder that holds MNIST/, got the file {root}")

    from torchvision import datasets

    try:
        return datasets.MNIST(root=str(root), train=train, download=True, transform=transform)
    except (RuntimeError, OSError, ValueError) as error:  # no network, or a damaged download
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise FileNotFoundError(_missing_mnist_message(root, first_line)) from None


def load_mnist_arrays(train: bool = True, root: str | os.PathLike | None = None, dtype: str = "float32"):
    """Return MNIST as NumPy arrays ``(X, y)`` for models that take rows of pixels.

    train: the official training split (60,000 images) or test split (10,000).
    root: the folder that holds ``MNIST/`` (see ``load_mnist``).
    dtype: ``"float32"`` or ``"float64"`` for ``X``.
    Returns ``X: (n, 784)`` with pixels scaled to [0, 1] (row-major 28×28 images) and
    ``y: (n,)`` int64 labels in 0..9.
    """
    import numpy as np

    if dtype not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    data = load_mnist(train=train, root=root)  # checks train and root
    images = data.data.numpy()  # (n, 28, 28) uint8
    X = images.reshape(len(images), 28 * 28).astype(dtype) / np.array(255, dtype=dtype)
    y = data.targets.numpy().astype(np.int64)
    return X, y


def train_val_split(n: int, n_val: int, seed: int):
    """Shuffle the indices ``0..n-1`` with ``seed`` and cut off ``n_val`` of them for validation.

    n: number of examples; n_val: size of the validation part, 0 < n_val < n.
    Returns ``(train_idx, val_idx)``: int64 arrays of sizes ``n - n_val`` and ``n_val``,
    disjoint, together covering every index once. The same seed gives the same split.
    """
    import numpy as np

    for name, value in (("n", n), ("n_val", n_val), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if n < 2:
        raise ValueError(f"n must be at least 2 to leave examples on both sides, got {n}")
    if not 0 < n_val < n:
        raise ValueError(f"n_val must satisfy 0 < n_val < n (n={n}), got {n_val}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")
    order = np.random.default_rng(int(seed)).permutation(int(n)).astype(np.int64)
    return order[n_val:], order[:n_val]
