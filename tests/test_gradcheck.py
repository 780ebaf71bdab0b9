"""Tests of nnbook.gradcheck: finite differences, the relative error, the gradient check of a network."""

import numpy as np
import pytest

from nnbook.gradcheck import check_gradients, numerical_gradient, relative_error
from nnbook.numpy_net import MLP


def test_numerical_gradient_of_a_known_function():
    # the central difference of f(x) = sum(x^3) is 3 x^2 up to O(eps^2)
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = numerical_gradient(lambda: float(np.sum(x ** 3)), x)
    np.testing.assert_allclose(grad, 3 * x ** 2, rtol=1e-8)


def test_numerical_gradient_restores_x():
    # every entry of x is put back exactly after it was perturbed
    x = np.random.default_rng(0).normal(size=(3, 4))
    before = x.copy()
    numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    assert np.array_equal(x, before)


def test_numerical_gradient_has_the_shape_of_x():
    # the result is shaped like x (here a bias vector)
    b = np.zeros(5)
    assert numerical_gradient(lambda: float(np.sum(b ** 2)), b).shape == (5,)


def test_relative_error_values():
    # equal arrays give 0, opposite arrays give 1, a 1% difference about 0.005
    a = np.array([1.0, -2.0, 3.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert relative_error(a, 1.01 * a) == pytest.approx(0.03 / 6.03)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_check_gradients_accepts_a_correct_network():
    # backprop of the MLP passes the check in float64 with and without l2
    rng = np.random.default_rng(1)
    net = MLP([3, 4, 2], activation="tanh", loss="cross_entropy", init="xavier", seed=1)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 2, size=5)
    for l2 in (0.0, 0.5):
        errors = check_gradients(net, X, y, l2=l2)
        assert set(errors) == {"W1", "b1", "W2", "b2"} and max(errors.values()) < 1e-7


def test_check_gradients_catches_a_wrong_gradient(monkeypatch):
    # a gradient that is off by 10% in one array is reported with a large error for that array only
    rng = np.random.default_rng(1)
    net = MLP([3, 4, 2], activation="tanh", loss="cross_entropy", init="xavier", seed=1)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 2, size=5)
    right = net.gradients

    def wrong(X, y, l2=0.0):
        loss, grads = right(X, y, l2=l2)
        grads["W2"] = 1.1 * grads["W2"]
        return loss, grads

    monkeypatch.setattr(net, "gradients", wrong)
    errors = check_gradients(net, X, y)
    assert errors["W2"] > 1e-2
    assert max(errors[k] for k in ("W1", "b1", "b2")) < 1e-7


@pytest.mark.parametrize("f, x, eps, error, match", [
    (None, np.zeros(2), 1e-6, TypeError, "f must be a function"),
    (lambda: 0.0, np.zeros(2, dtype=int), 1e-6, TypeError, "x must be a float ndarray"),
    (lambda: 0.0, [0.0, 1.0], 1e-6, TypeError, "x must be a float ndarray"),
    (lambda: 0.0, np.zeros(2), 0.0, ValueError, "eps must be a positive number, got 0.0"),
    (lambda: 0.0, np.zeros(2), -1e-6, ValueError, "eps must be a positive number"),
    (lambda: 0.0, np.zeros((3, 4)).T, 1e-6, ValueError, "x must be C-contiguous"),
])
def test_numerical_gradient_rejects_bad_arguments(f, x, eps, error, match):
    # each bad argument raises an error that names the rule
    with pytest.raises(error, match=match):
        numerical_gradient(f, x, eps=eps)


def test_relative_error_rejects_different_shapes():
    # arrays of different shapes cannot be compared
    with pytest.raises(ValueError, match=r"same shape, got \(2,\) and \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))


def test_check_gradients_needs_a_network():
    # check_gradients works on MLP objects only
    with pytest.raises(TypeError, match="net must be an nnbook.numpy_net.MLP"):
        check_gradients("net", np.zeros((1, 2)), np.zeros(1))
