"""Data sets for the book: MNIST through torchvision, with a clear error when it is missing.

Introduced in Chapter 1; Chapter 5 is the first to train on MNIST. Where the files
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


def default_data_root() -> Path:
    """The folder that holds ``MNIST/``: ``$NNBOOK_DATA``, else ``~/.cache/nnbook/data``."""
    env = os.environ.get("NNBOOK_DATA")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "nnbook" / "data"


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
