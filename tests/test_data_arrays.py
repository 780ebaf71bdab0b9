"""Tests of nnbook.data.load_mnist_arrays and train_val_split."""

import numpy as np
import pytest

from nnbook.data import load_mnist_arrays, train_val_split


def test_mnist_arrays_shapes_types_and_range(mnist_root):
    # the test split is 10,000 rows of 784 float32 pixels in [0, 1] and int64 labels 0..9
    X, y = load_mnist_arrays(train=False, root=mnist_root)
    assert X.shape == (10_000, 784) and X.dtype == np.float32 and y.shape == (10_000,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0 and set(np.unique(y)) == set(range(10))


def test_mnist_arrays_match_torchvision_images(mnist_root):
    # row i is image i of torchvision's data set, flattened row by row and divided by 255
    from nnbook.data import load_mnist

    X, y = load_mnist_arrays(train=False, root=mnist_root, dtype="float64")
    data = load_mnist(train=False, root=mnist_root)
    assert X.dtype == np.float64
    assert np.array_equal(X[7].reshape(28, 28) * 255, data.data[7].numpy().astype(np.float64))
    assert y[7] == int(data.targets[7])


def test_mnist_arrays_reject_bad_dtype():
    # only float32 and float64 are offered
    with pytest.raises(ValueError, match="dtype must be 'float32' or 'float64', got 'int8'"):
        load_mnist_arrays(dtype="int8")


def test_split_sizes_disjoint_and_complete():
    # the two parts have the asked sizes, do not overlap and cover every index once
    train_idx, val_idx = train_val_split(100, 15, seed=0)
    assert len(train_idx) == 85 and len(val_idx) == 15
    assert np.array_equal(np.sort(np.concatenate([train_idx, val_idx])), np.arange(100))


def test_split_is_reproducible_and_depends_on_seed():
    # the same seed gives the same split, another seed another one
    a, b, c = (train_val_split(1000, 100, seed=s)[1] for s in (3, 3, 4))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize("args, error, match", [
    ((100, 0, 0), ValueError, "n_val must satisfy 0 < n_val < n"),
    ((100, 100, 0), ValueError, "n_val must satisfy 0 < n_val < n"),
    ((1, 1, 0), ValueError, "n must be at least 2"),
    ((100, 10, -1), ValueError, "seed must be non-negative"),
    ((100.0, 10, 0), TypeError, "n must be an int"),
    ((100, 0.1, 0), TypeError, "n_val must be an int"),
])
def test_split_rejects_bad_arguments(args, error, match):
    # sizes are ints with 0 < n_val < n, the seed a non-negative int
    with pytest.raises(error, match=match):
        train_val_split(*args)
