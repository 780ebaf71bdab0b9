"""Tests of nnbook.data.load_mnist_arrays and train_val_split."""

import numpy as np
import pytest

from nnbook.data import load_mnist, load_mnist_arrays, train_val_split


def test_mnist_arrays_shapes_types_and_range(mnist_root, no_network):
    # the test split is 10,000 rows of 784 float32 pixels in [0, 1] and int64 labels 0..9
    X, y = load_mnist_arrays(train=False, root=mnist_root)
    assert X.shape == (10_000, 784) and X.dtype == np.float32 and y.shape == (10_000,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0 and set(np.unique(y)) == set(range(10))


def test_mnist_arrays_match_torchvision_images(mnist_root, no_network):
    # row i is image i of torchvision's data set, flattened row by row and divided by 255
    X, y = load_mnist_arrays(train=False, root=mnist_root, dtype="float64")
    data = load_mnist(train=False, root=mnist_root)
    assert X.dtype == np.float64
    assert np.array_equal(X[7].reshape(28, 28) * 255, data.data[7].numpy().astype(np.float64))
    assert y[7] == int(data.targets[7])


@pytest.mark.parametrize("dtype, error, match", [
    ("int8", ValueError, r"unknown dtype 'int8'; choose one of \['float32', 'float64'\]"),
    (np.float32, TypeError, "dtype must be one of"),
])
def test_mnist_arrays_reject_bad_dtype(dtype, error, match):
    # only the names "float32" and "float64" are offered (checked before any file is read)
    with pytest.raises(error, match=match):
        load_mnist_arrays(dtype=dtype)


# 100 labels of 5 classes in unequal shares: 60, 20, 10, 6, 4
LABELS = np.repeat(np.arange(5), [60, 20, 10, 6, 4])


def test_split_sizes_disjoint_and_complete():
    # the two parts have the asked sizes, do not overlap and cover every index once
    train_idx, val_idx = train_val_split(LABELS, 15, seed=0)
    assert len(train_idx) == 85 and len(val_idx) == 15
    assert np.array_equal(np.sort(np.concatenate([train_idx, val_idx])), np.arange(100))


def test_split_keeps_each_class_share():
    # stratified: half of the examples to validation means half of every class
    _, val_idx = train_val_split(LABELS, 50, seed=0)
    assert np.bincount(LABELS[val_idx]).tolist() == [30, 10, 5, 3, 2]


def test_split_is_reproducible_and_depends_on_seed():
    # the same seed gives the same split, another seed another one
    a, b, c = (train_val_split(LABELS, 20, seed=s)[1] for s in (3, 3, 4))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize("args, error, match", [
    ((100, 10, 0), TypeError, "y must be a NumPy array, got int"),
    ((LABELS.reshape(50, 2), 10, 0), ValueError, r"y must be 1-D \(n,\) class labels"),
    ((LABELS, 0, 0), ValueError, "n_val must be a positive int, got 0"),
    ((LABELS, 0.1, 0), TypeError, "n_val must be a positive int, got float"),
    ((LABELS, 100, 0), ValueError, "test_size=100 should be"),
    ((LABELS, 10, -1), ValueError, r"seed must be in \[0, 2\*\*32\)"),
    ((LABELS, 10, 1.5), TypeError, "seed must be an int"),
    ((np.array([0, 0, 0, 1]), 2, 0), ValueError, "only 1 member"),
])
def test_split_rejects_bad_arguments(args, error, match):
    # y: 1-D labels with every class on both sides; n_val: a count 0 < n_val < n; seed: an int
    with pytest.raises(error, match=match):
        train_val_split(*args)
