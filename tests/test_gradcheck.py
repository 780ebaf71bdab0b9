"""Tests of nnbook.gradcheck: finite differences, the relative error, the gradient check of a network."""

import numpy as np
import pytest

from nnbook.gradcheck import check_gradients, numerical_gradient, relative_error
from nnbook.numpy_net import MLP


@pytest.mark.parametrize("x", [np.array([[1.0, -2.0], [0.5, 3.0]]), np.array([0.1, -1.5, 2.0])])
def test_numerical_gradient_of_a_known_function(x):
    # the central difference of f(x) = sum(x^3) is 3 x^2 up to O(delta^2), for a matrix and a vector
    grad = numerical_gradient(lambda: float(np.sum(x ** 3)), x)
    np.testing.assert_allclose(grad, 3 * x ** 2, rtol=1e-8)


def test_numerical_gradient_restores_x():
    # every entry of x is put back exactly after it was perturbed
    x = np.random.default_rng(0).normal(size=(3, 4))
    before = x.copy()
    numerical_gradient(lambda: float(np.sum(np.sin(x))), x)
    assert np.array_equal(x, before)


@pytest.mark.parametrize("a, b, expected", [
    ([1.0, -2.0, 3.0], [1.0, -2.0, 3.0], 0.0),  # equal arrays
    ([1.0, -2.0, 3.0], [-1.0, 2.0, -3.0], 1.0),  # opposite arrays
    ([0.0, 0.0], [0.0, 0.0], 0.0),  # zeros are equal, not 0/0
    ([1000.0, 1e-3], [1000.0, 2e-3], 1 / 3),  # an error in a small entry is not hidden by a large entry
    ([1e-12, 5.0], [2e-12, 5.0], 1e-12 / 1e-8),  # below the floor (1e-8) the difference counts in absolute terms
])
def test_relative_error_values(a, b, expected):
    # the largest element-wise relative difference, with |a_i| + |b_i| floored at 1e-8
    assert relative_error(np.array(a), np.array(b)) == pytest.approx(expected, rel=1e-9, abs=1e-15)


def test_relative_error_floor_can_be_chosen():
    # a larger floor forgives small absolute differences between small entries
    a, b = np.array([1e-6, 1.0]), np.array([2e-6, 1.0])
    assert relative_error(a, b) == pytest.approx(1 / 3)
    assert relative_error(a, b, floor=1e-2) == pytest.approx(1e-4)


def test_check_gradients_accepts_a_correct_network():
    # backprop of the MLP passes the check in float64 with and without l2
    rng = np.random.default_rng(1)
    net = MLP([3, 4, 2], activation="tanh", loss="cross_entropy", init="xavier", seed=1)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 2, size=5)
    for l2 in (0.0, 0.5):
        assert max(check_gradients(net, X, y, l2=l2).values()) < 1e-7


@pytest.mark.parametrize("which", ["all of W2", "the smallest entry of W1"])
def test_check_gradients_catches_a_wrong_gradient(monkeypatch, which):
    # a gradient 10% off, in a whole array or in its smallest entry only, is reported for that array only
    rng = np.random.default_rng(1)
    net = MLP([3, 4, 2], activation="tanh", loss="cross_entropy", init="xavier", seed=1)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 2, size=5)
    right = net.gradients
    name = "W2" if which == "all of W2" else "W1"

    def wrong(X, y, l2=0.0):
        loss, grads = right(X, y, l2=l2)
        if which == "all of W2":
            grads["W2"] = 1.1 * grads["W2"]
        else:
            smallest = np.unravel_index(np.argmin(np.abs(grads["W1"])), grads["W1"].shape)
            grads["W1"][smallest] *= 1.1
        return loss, grads

    monkeypatch.setattr(net, "gradients", wrong)
    errors = check_gradients(net, X, y)
    assert errors[name] > 0.04  # 0.1 / 2.1
    assert max(error for key, error in errors.items() if key != name) < 1e-7


@pytest.mark.parametrize("call, error, match", [
    (lambda: numerical_gradient(None, np.zeros(2)), TypeError, "f must be a function of no arguments"),
    (lambda: numerical_gradient(lambda: 0.0, np.zeros(2, dtype=int)), TypeError, "x must be a float array"),
    (lambda: numerical_gradient(lambda: 0.0, [0.0, 1.0]), TypeError, "x must be a NumPy array, got list"),
    (lambda: numerical_gradient(lambda: 0.0, np.zeros(2), delta=0.0), ValueError, "delta must be > 0, got 0"),
    (lambda: numerical_gradient(lambda: 0.0, np.zeros(2), delta=-1e-6), ValueError, "delta must be > 0"),
    (lambda: numerical_gradient(lambda: 0.0, np.zeros(2), delta="small"), TypeError, "delta must be a number"),
    (lambda: numerical_gradient(lambda: 0.0, np.zeros((3, 4)).T), ValueError, "x must be C-contiguous"),
    (lambda: relative_error(np.zeros(2), np.zeros(3)), ValueError, r"same shape, got \(2,\) and \(3,\)"),
    (lambda: relative_error(np.zeros(2), np.zeros(2), floor=0.0), ValueError, "floor must be > 0, got 0"),
    (lambda: check_gradients("net", np.zeros((1, 2)), np.zeros(1)), TypeError,
     "net must be an nnbook.numpy_net.MLP, got str"),
])
def test_bad_arguments_are_rejected(call, error, match):
    # each bad argument of numerical_gradient, relative_error and check_gradients names the rule
    with pytest.raises(error, match=match):
        call()


# ---- gradients_match: the book's one gradient-check rule --------------------------------------------------

from nnbook.gradcheck import ATOL, RTOL, gradients_match  # noqa: E402


def test_the_rule_is_the_books():
    # Chapter 1's statement: relative 1e-5, absolute 1e-8
    assert (RTOL, ATOL) == (1e-5, 1e-8)


def test_a_true_zero_entry_with_finite_difference_noise_passes():
    # analytic 0, numeric 1e-10 (the noise of central differences): relative error 1, absolute 1e-10 < 1e-8
    assert gradients_match(np.array([0.0, 2.0]), np.array([1e-10, 2.0]))


def test_a_large_entry_with_a_small_relative_error_passes():
    # |a - n| = 1e-7 > ATOL, but relative 1e-7 / 2 is well below 1e-5
    assert gradients_match(np.array([1.0, -3.0]), np.array([1.0 + 1e-7, -3.0]))


@pytest.mark.parametrize("analytic, numeric", [
    ([1.0, 2.0], [1.1, 2.0]),        # one entry 10% off
    ([0.0, 2.0], [1e-6, 2.0]),       # a "zero" that is not: 1e-6 is far above the noise
    ([1e-3, 2.0], [-1e-3, 2.0]),     # a small entry with the wrong sign
    ([1.0, 2.0], [1.0, -2.0]),       # a sign error in a large entry
])
def test_a_wrong_gradient_fails(analytic, numeric):
    # every entry must agree; one wrong entry is enough to fail
    assert not gradients_match(np.array(analytic), np.array(numeric))


def test_a_correct_network_gradient_passes_and_a_wrong_one_fails():
    # backprop of the MLP against finite differences under the rule; 1% off in one array fails
    rng = np.random.default_rng(2)
    net = MLP([3, 5, 4, 2], activation="tanh", loss="cross_entropy", init="xavier", seed=2)
    X, y = rng.normal(size=(6, 3)), rng.integers(0, 2, size=6)
    _, grads = net.gradients(X, y)
    for name, P in net.params.items():
        numeric = numerical_gradient(lambda: net.loss(X, y), P)
        assert gradients_match(grads[name], numeric), name
        assert not gradients_match(1.01 * grads[name], numeric), name


@pytest.mark.parametrize("call, error, match", [
    (lambda: gradients_match(np.zeros(2), np.zeros(3)), ValueError, r"same shape, got \(2,\) and \(3,\)"),
    (lambda: gradients_match(np.zeros(2), np.zeros(2), rtol=0.0), ValueError, "rtol must be > 0, got 0"),
    (lambda: gradients_match(np.zeros(2), np.zeros(2), atol=-1.0), ValueError, "atol must be >= 0"),
])
def test_gradients_match_rejects_bad_arguments(call, error, match):
    # shapes must agree and the tolerances be sensible
    with pytest.raises(error, match=match):
        call()
