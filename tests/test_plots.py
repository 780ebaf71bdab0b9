"""Tests for nnbook.plots: each helper draws on the axes it is given and rejects bad input."""

import matplotlib

matplotlib.use("Agg")  # no display in tests

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nnbook.plots import plot_activation, plot_decision_boundary, plot_loss_curves


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture
def blobs():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-1, 0.5, (10, 2)), rng.normal(1, 0.5, (10, 2))])
    y = np.repeat([0, 1], 10)
    return X, y


def logistic_predict(points):
    return 1 / (1 + np.exp(-(points[:, 0] + points[:, 1])))


# --- plot_decision_boundary -------------------------------------------------------------


def test_decision_boundary_returns_given_ax_and_draws(ax, blobs):
    # the ax passed in is returned, with a filled contour, a boundary line and the scattered points on it
    X, y = blobs
    out = plot_decision_boundary(logistic_predict, X, y, ax=ax, resolution=30)
    assert out is ax
    assert len(ax.collections) >= 3


def test_decision_boundary_accepts_column_output(ax, blobs):
    # predict may return (m, 1) as a network does; the plot is still drawn
    X, y = blobs
    plot_decision_boundary(lambda p: logistic_predict(p)[:, None], X, y, ax=ax, resolution=20)
    assert len(ax.collections) >= 3


def test_decision_boundary_creates_ax_when_none(blobs):
    # without ax, a new Axes is made and returned
    X, y = blobs
    out = plot_decision_boundary(logistic_predict, X, y, resolution=10)
    assert isinstance(out, matplotlib.axes.Axes)
    plt.close(out.figure)


def test_decision_boundary_rejects_X_not_n_by_2(ax):
    # X must have two columns
    with pytest.raises(ValueError, match=r"X must have shape \(n_samples, 2\)"):
        plot_decision_boundary(logistic_predict, np.zeros((5, 3)), np.zeros(5), ax=ax)


def test_decision_boundary_rejects_1d_X(ax):
    # a 1-D X is rejected, not silently reshaped
    with pytest.raises(ValueError, match=r"X must have shape \(n_samples, 2\)"):
        plot_decision_boundary(logistic_predict, np.zeros(6), np.zeros(3), ax=ax)


def test_decision_boundary_rejects_y_length_mismatch(ax, blobs):
    # y needs one label per row of X
    X, y = blobs
    with pytest.raises(ValueError, match="y must have shape"):
        plot_decision_boundary(logistic_predict, X, y[:-1], ax=ax)


def test_decision_boundary_rejects_wrong_predict_shape(ax, blobs):
    # predict returning two scores per point is an error, not a garbled picture
    X, y = blobs
    with pytest.raises(ValueError, match="predict must return shape"):
        plot_decision_boundary(lambda p: np.zeros((len(p), 2)), X, y, ax=ax, resolution=10)


def test_decision_boundary_rejects_non_positive_resolution(ax, blobs):
    # a grid needs at least two points per axis
    X, y = blobs
    with pytest.raises(ValueError, match="resolution must be a positive int"):
        plot_decision_boundary(logistic_predict, X, y, ax=ax, resolution=0)


def test_decision_boundary_rejects_float_resolution(ax, blobs):
    # resolution counts grid points, so it must be an int
    X, y = blobs
    with pytest.raises(TypeError, match="resolution must be an int"):
        plot_decision_boundary(logistic_predict, X, y, ax=ax, resolution=20.5)


def test_decision_boundary_rejects_non_callable_predict(ax, blobs):
    # predict must be a function of the points
    X, y = blobs
    with pytest.raises(TypeError, match="predict must be callable"):
        plot_decision_boundary(np.zeros(3), X, y, ax=ax)


def test_decision_boundary_rejects_negative_padding(ax, blobs):
    # a negative margin would cut points off the plot
    X, y = blobs
    with pytest.raises(ValueError, match="padding must be >= 0"):
        plot_decision_boundary(logistic_predict, X, y, ax=ax, padding=-1)


# --- plot_activation ---------------------------------------------------------------------


def test_activation_returns_given_ax_and_draws_function_and_derivative(ax):
    # f and df give two lines, the derivative dashed
    out = plot_activation(np.tanh, lambda z: 1 - np.tanh(z) ** 2, ax=ax, label="tanh")
    assert out is ax
    styles = [line.get_linestyle() for line in ax.get_lines() if line.get_label() in ("tanh", "tanh'")]
    assert styles == ["-", "--"]


def test_activation_without_derivative_draws_one_curve(ax):
    # with df=None only f is drawn (plus the two grey axis lines)
    plot_activation(np.tanh, z=np.linspace(-2, 2, 5), ax=ax)
    assert [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")] == ["tanh"]


def test_activation_rejects_non_callable(ax):
    # f must be a function
    with pytest.raises(TypeError, match="f must be callable"):
        plot_activation(3.0, ax=ax)


def test_activation_rejects_non_callable_derivative(ax):
    # df must be a function or None
    with pytest.raises(TypeError, match="df must be callable or None"):
        plot_activation(np.tanh, df="tanh'", ax=ax)


def test_activation_rejects_2d_z(ax):
    # z is a 1-D grid of points
    with pytest.raises(ValueError, match="z must be a 1-D array"):
        plot_activation(np.tanh, z=np.zeros((3, 3)), ax=ax)


# --- plot_loss_curves --------------------------------------------------------------------


def test_loss_curves_returns_given_ax_and_draws_one_line_per_curve(ax):
    # a dict of two curves gives two labelled lines
    out = plot_loss_curves({"lr 0.1": [3, 2, 1], "lr 1": [3, 1, 0.5]}, ax=ax)
    assert out is ax
    assert [line.get_label() for line in ax.get_lines()] == ["lr 0.1", "lr 1"]


def test_loss_curves_accepts_single_sequence(ax):
    # a plain list is one curve, plotted against steps 1..n
    plot_loss_curves([0.9, 0.5, 0.2], ax=ax)
    (line,) = ax.get_lines()
    assert list(line.get_xdata()) == [1, 2, 3]


def test_loss_curves_logy_sets_log_scale(ax):
    # logy=True gives a logarithmic y axis
    plot_loss_curves([1.0, 0.1, 0.01], ax=ax, logy=True)
    assert ax.get_yscale() == "log"


def test_loss_curves_rejects_empty_dict(ax):
    # there must be at least one curve
    with pytest.raises(ValueError, match="curves must not be empty"):
        plot_loss_curves({}, ax=ax)


def test_loss_curves_rejects_empty_curve(ax):
    # each curve needs at least one value
    with pytest.raises(ValueError, match="must be a non-empty 1-D sequence"):
        plot_loss_curves({"a": []}, ax=ax)


def test_loss_curves_rejects_non_positive_values_on_log_axis(ax):
    # a log axis cannot show zero or negative losses
    with pytest.raises(ValueError, match="logy=True needs positive values"):
        plot_loss_curves([1.0, 0.0], ax=ax, logy=True)


def test_loss_curves_rejects_scalar(ax):
    # a single number is not a curve
    with pytest.raises(TypeError, match="curves must be a dict"):
        plot_loss_curves(0.5, ax=ax)
