"""Chapter 2's answer checks: the reference passes, plausible wrong answers get a useful message."""
import numpy as np
import pytest

from nnbook.exercises import check


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---- ex-columns: the column convention -------------------------------------------------------

def forward_columns(X_cols, weights, biases):
    A = X_cols
    for W, bias in zip(weights, biases):
        A = sigmoid(W @ A + bias[:, None])
    return A


def _bias_not_a_column(X_cols, weights, biases):
    A = X_cols
    for W, bias in zip(weights, biases):
        A = sigmoid(W @ A + bias)        # the bug: (n_l,) lines up with the examples
    return A


def _bias_bug_only_for_n_equal_width(X_cols, weights, biases):
    # raises nothing for n = 1 (the student special-cased it) but keeps the bug otherwise
    if X_cols.shape[1] == 1:
        return forward_columns(X_cols, weights, biases)
    if X_cols.shape[1] == 5:
        return forward_columns(X_cols, weights, biases)
    return _bias_not_a_column(X_cols, weights, biases)


def _rows_returned(X_cols, weights, biases):
    return forward_columns(X_cols, weights, biases).T


def test_forward_columns_reference_passes():
    assert check("ex-columns", forward_columns)


@pytest.mark.parametrize("wrong, message", [
    (_bias_not_a_column, "bias[:, None]"),                   # raises a broadcast error at n = 5
    (_bias_bug_only_for_n_equal_width, "wrong numbers of the right shape"),
    (_rows_returned, "column convention"),
    (lambda X_cols, weights, biases: forward_columns(X_cols, [W.T for W in weights], biases), "raised"),
])
def test_forward_columns_wrong_answers_are_explained(wrong, message):
    feedback = check("ex-columns", wrong)
    assert not feedback
    assert message in feedback.message


def test_forward_columns_bias_bug_at_one_example_is_named():
    # with n = 1 the bug gives an (n_l, n_l) matrix silently; the check says so
    def bug_at_one(X_cols, weights, biases):
        if X_cols.shape[1] == 1:
            return _bias_not_a_column(X_cols, weights, biases)
        return forward_columns(X_cols, weights, biases)
    feedback = check("ex-columns", bug_at_one)
    assert not feedback
    assert "one example" in feedback.message and "(1, 3)" in feedback.message


# ---- ex-two-layer: a two-layer network, rows as examples --------------------------------------

def two_layer_forward(X, W1, b1, W2, b2):
    return sigmoid(np.maximum(0, X @ W1 + b1) @ W2 + b2)


def test_two_layer_forward_reference_passes():
    assert check("ex-two-layer", two_layer_forward)


@pytest.mark.parametrize("wrong, message", [
    (lambda X, W1, b1, W2, b2: np.maximum(0, X @ W1 + b1) @ W2 + b2, "sigmoid is missing"),
    (lambda X, W1, b1, W2, b2: sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2), "hidden layer is ReLU"),
    (lambda X, W1, b1, W2, b2: sigmoid(np.maximum(0, X @ W1) @ W2 + b2), "b1 is missing"),
    (lambda X, W1, b1, W2, b2: sigmoid(np.maximum(0, X @ W1 + b1) @ W2), "b2 is missing"),
    (lambda X, W1, b1, W2, b2: two_layer_forward(X, W1, b1, W2, b2).T, "column convention"),
    (lambda X, W1, b1, W2, b2: sigmoid(W2.T @ np.maximum(0, W1.T @ X + b1) + b2), "raised"),
])
def test_two_layer_forward_wrong_answers_are_explained(wrong, message):
    feedback = check("ex-two-layer", wrong)
    assert not feedback
    assert message in feedback.message




def _two_layers_hard_coded(X_cols, weights, biases):
    # right for the 2 → 3 → 1 network, but written for exactly two layers
    A1 = sigmoid(weights[0] @ X_cols + biases[0][:, None])
    return sigmoid(weights[1] @ A1 + biases[1][:, None])


def test_forward_columns_rejects_an_answer_for_two_layers_only():
    feedback = check("ex-columns", _two_layers_hard_coded)
    assert not feedback and "stops after two layers" in feedback.message


def test_forward_columns_accepts_other_correct_forms():
    def with_reshape(X_cols, weights, biases):
        A = X_cols
        for l in range(len(weights)):
            A = 1 / (1 + np.exp(-(np.dot(weights[l], A) + biases[l].reshape(-1, 1))))
        return A
    assert check("ex-columns", with_reshape)
