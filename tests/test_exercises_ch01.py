"""Chapter 1's answer checks: the reference passes, plausible wrong answers get a useful message."""
import numpy as np
import pytest

from nnbook.exercises import check


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def neuron_forward(X, w, b):
    return sigmoid(X @ w + b)


def bce_gradient(X, y, w, b):
    dz = (sigmoid(X @ w + b) - y) / len(y)
    return X.T @ dz, dz.sum()


# ---- ex-neuron-forward: a sigmoid neuron's forward pass -------------------------------------------

def test_neuron_forward_reference_passes():
    assert check("ex-neuron-forward", neuron_forward)


@pytest.mark.parametrize("wrong, message", [
    (lambda X, w, b: X @ w + b, "apply the sigmoid"),                      # forgot the activation
    (lambda X, w, b: sigmoid(X @ w), "bias is missing"),                   # forgot b
    (lambda X, w, b: sigmoid(X @ w) + b, "inside"),                        # bias after the sigmoid
    (lambda X, w, b: sigmoid(X @ w[:, None] + b), "shape"),                # (n, 1) instead of (n,)
    (lambda X, w, b: sigmoid(w @ X + b), "raised ValueError"),             # wrong order of the product
    (lambda X, w, b: np.array([sigmoid(x @ w + b) for x in X]), "one example"),  # batch only
])
def test_neuron_forward_wrong_answers_are_explained(wrong, message):
    feedback = check("ex-neuron-forward", wrong)
    assert not feedback
    assert message in feedback.message


# ---- ex-bce-gradient: the BCE gradient ------------------------------------------------------------

def test_bce_gradient_reference_passes():
    assert check("ex-bce-gradient", bce_gradient)


def _sum_not_mean(X, y, w, b):
    dz = sigmoid(X @ w + b) - y
    return X.T @ dz, dz.sum()


def _sign_flipped(X, y, w, b):
    dw, db = bce_gradient(X, y, w, b)
    return -dw, -db


def _squared_error(X, y, w, b):
    y_hat = sigmoid(X @ w + b)
    dz = (y_hat - y) * y_hat * (1 - y_hat) / len(y)
    return X.T @ dz, dz.sum()


def _db_summed(X, y, w, b):
    dw, _ = bce_gradient(X, y, w, b)
    return dw, (sigmoid(X @ w + b) - y).sum()


@pytest.mark.parametrize("wrong, message", [
    (_sum_not_mean, "times too large"),
    (_sign_flipped, "wrong sign"),
    (_squared_error, "squared-error"),
    (_db_summed, "db is 9 times too large"),
    (lambda X, y, w, b: bce_gradient(X, y, w, b)[0], "bce_gradient must return a tuple (dw, db), got ndarray"),
    (lambda X, y, w, b: (X @ w, 0.0), "dw has shape"),
])
def test_bce_gradient_wrong_answers_are_explained(wrong, message):
    feedback = check("ex-bce-gradient", wrong)
    assert not feedback
    assert message in feedback.message


