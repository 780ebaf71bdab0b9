"""Tests for the MNIST helpers of nnbook.plots: digit grids and the confusion-matrix heatmap."""

import matplotlib

matplotlib.use("Agg")  # no display in tests

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from nnbook.plots import class_colours, plot_confusion_matrix, show_digits


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def digits(n=7):
    return np.random.default_rng(0).random((n, 784)).astype(np.float32)


def test_show_digits_draws_one_image_per_digit():
    # 7 digits in rows of 5 give a 2x5 grid with 7 images and 3 empty axes
    axes = show_digits(digits(), labels=np.arange(7), ncols=5)
    assert len(axes) == 10
    assert sum(len(ax.images) for ax in axes) == 7
    assert axes[3].get_title() == "label 3"


def test_show_digits_marks_wrong_predictions_in_words_and_in_red():
    # a wrong prediction's title names both labels and is the palette's red; a right one is black
    axes = show_digits(digits(2), labels=[1, 2], predicted=[1, 7])
    assert axes[1].get_title() == "pred 7 (true 2)"
    assert axes[1].title.get_color() == class_colours()[0] and axes[0].title.get_color() == "black"


def test_show_digits_accepts_tensors_and_images():
    # (n, 28, 28) tensors work like (n, 784) arrays
    axes = show_digits(torch.rand(3, 28, 28), labels=torch.tensor([0, 1, 2]))
    assert axes[0].images[0].get_array().shape == (28, 28)


def test_show_digits_draws_on_given_axes():
    # given axes are used, not a new figure
    fig, axes = plt.subplots(1, 3)
    returned = show_digits(digits(3), axes=axes)
    assert all(a is b for a, b in zip(returned, axes)) and len(plt.get_fignums()) == 1


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(images=np.zeros((3, 10))), ValueError, "square number of pixels, got 10"),
    (dict(images=np.zeros((0, 784))), ValueError, "n >= 1"),
    (dict(images=np.zeros((2, 2, 28, 28))), ValueError, r"images must have shape .*got \(2, 2, 28, 28\)"),
    (dict(images="digits"), TypeError, "images must be an array, a tensor or a list, got str"),
    (dict(labels=[1, 2]), ValueError, r"labels must have one entry per image \(3\), got 2"),
    (dict(predicted=[1]), ValueError, "predicted must have one entry per image"),
    (dict(ncols=0), ValueError, "ncols must be a positive int, got 0"),
    (dict(ncols=2.0), TypeError, "ncols must be a positive int, got float"),
    (dict(axes=np.array([None, None])), ValueError, r"axes must hold at least one axis per image \(3\), got 2"),
])
def test_show_digits_rejects_bad_arguments(kwargs, error, match):
    # square images, one label and prediction per image, a positive column count, enough axes
    arguments = dict(images=np.zeros((3, 784)))
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        show_digits(**arguments)


def test_confusion_matrix_annotates_counts():
    # the annotated cells are the counts of (true, predicted) pairs; empty cells stay blank
    ax = plot_confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 2, 0])
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 9
    assert texts == ["1", "1", "", "", "1", "", "1", "", "2"]
    assert ax.get_xlabel() == "predicted label" and ax.get_ylabel() == "true label"


def test_confusion_matrix_uses_n_classes():
    # n_classes=10 gives a 10x10 matrix even if some classes never occur
    ax = plot_confusion_matrix(np.array([0, 1]), np.array([1, 1]), n_classes=10)
    assert len(ax.texts) == 100


@pytest.mark.parametrize("y_true, y_pred, kwargs, error, match", [
    ([0, 1], [0], {}, ValueError, "same non-zero length"),
    ([[0, 1]], [[0, 1]], {}, ValueError, "same non-zero length"),
    ([], [], {}, ValueError, "same non-zero length"),
    ([0.5, 1.0], [0, 1], {}, TypeError, "y_true must hold integer labels, got dtype float64"),
    ([0, 1], [0, -1], {}, ValueError, "y_pred must hold non-negative labels, got -1"),
    ([0, 3], [0, 1], dict(n_classes=3), ValueError, r"n_classes must be larger than every label \(largest 3\), got 3"),
    ([0, 1], [0, 1], dict(n_classes=2.0), TypeError, "n_classes must be a positive int"),
    ("01", [0, 1], {}, TypeError, "y_true must be an array, a tensor or a list, got str"),
])
def test_confusion_matrix_rejects_bad_arguments(y_true, y_pred, kwargs, error, match):
    # labels must be matching 1-D non-negative ints below n_classes
    with pytest.raises(error, match=match):
        plot_confusion_matrix(y_true, y_pred, **kwargs)
