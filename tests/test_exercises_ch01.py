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
    (lambda X, w, b: np.array([sigmoid(x @ w + b) for x in X]), "loops over the rows"),  # a row loop
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




# ---- ex-neuron-forward: "without a loop over the rows" is checked --------------------------------

def _row_loop_atleast_2d(X, w, b):
    # a loop over the rows that also serves one example: the answer the exercise rules out
    return np.array([sigmoid(x @ w + b) for x in np.atleast_2d(X)]).squeeze()[()]


def _index_loop(X, w, b):
    rows = np.atleast_2d(X)
    out = np.empty(len(rows))
    for i in range(len(rows)):
        out[i] = sigmoid(rows[i] @ w + b)
    return out if np.ndim(X) == 2 else out[0]


def _apply_along_rows(X, w, b):
    rows = np.atleast_2d(X)
    out = np.apply_along_axis(lambda x: sigmoid(x @ w + b), 1, rows)
    return out if np.ndim(X) == 2 else out[0]


def _vectorize_rows(X, w, b):
    return np.vectorize(lambda x: sigmoid(x @ w + b), signature="(d)->()")(X)


def _loop_after_asarray(X, w, b):
    rows = np.atleast_2d(np.asarray(X))
    out = np.zeros(len(rows))
    for i in range(len(rows)):
        out[i] = sigmoid(rows[i] @ w + b)
    return out if np.ndim(X) == 2 else out[0]


@pytest.mark.parametrize("wrong, message", [
    (_row_loop_atleast_2d, "loops over the rows"),   # iterates over X: the check's X refuses
    (_index_loop, "loops over the rows"),             # X[i] in a for loop: the check's X refuses
    (_apply_along_rows, "loops over the rows"),       # np.apply_along_axis: a loop in disguise
    (_vectorize_rows, "loops over the rows"),         # np.vectorize with a signature: the same
    (_loop_after_asarray, "a for over them"),         # np.asarray(X) hides X: found in the source
])
def test_neuron_forward_rejects_a_loop_over_the_rows(wrong, message):
    feedback = check("ex-neuron-forward", wrong)
    assert not feedback and message in feedback.message and "X @ w" in feedback.message


def test_neuron_forward_accepts_other_loop_free_forms():
    from scipy.special import expit

    def with_dot(X, w, b):
        return expit(np.dot(X, w) + b)
    assert check("ex-neuron-forward", with_dot)
    assert check("ex-neuron-forward", lambda X, w, b: 1 / (1 + np.exp(-(X @ w + b))))


def test_neuron_forward_accepts_loops_that_are_not_over_the_rows():
    def over_the_features(X, w, b):        # vectorised over the rows, a loop over the d features
        return sigmoid(sum(w[j] * X[..., j] for j in range(len(w))) + b)

    def with_a_shape_check(X, w, b):       # a comprehension over the sizes, not the rows
        assert all(size > 0 for size in np.shape(X)), "an empty batch"
        print("batch of shape", np.shape(X), X)   # printing X is not a loop either
        return sigmoid(X @ w + b)
    assert check("ex-neuron-forward", over_the_features)
    assert check("ex-neuron-forward", with_a_shape_check)


# ---- ex-bce-gradient: "the formula, not finite differences" is checked ----------------------------

def _bce(X, y, w, b):
    y_hat = sigmoid(X @ w + b)
    return -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))


def _finite_differences(delta):
    def gradient(X, y, w, b):
        dw = np.zeros_like(w)
        for j in range(len(w)):
            step = np.zeros_like(w)
            step[j] = delta
            dw[j] = (_bce(X, y, w + step, b) - _bce(X, y, w - step, b)) / (2 * delta)
        return dw, (_bce(X, y, w, b + delta) - _bce(X, y, w, b - delta)) / (2 * delta)
    return gradient


@pytest.mark.parametrize("delta", [1e-1, 1e-2, 3e-3, 1e-4, 1e-5, 1e-6, 1e-7])
def test_bce_gradient_rejects_central_differences(delta):
    # they pass the loose comparison at an ordinary point, so the check's second point decides
    feedback = check("ex-bce-gradient", _finite_differences(delta))
    assert not feedback and "finite differences" in feedback.message


def test_bce_gradient_names_float32():
    def in_float32(X, y, w, b):
        X, y, w = X.astype(np.float32), y.astype(np.float32), w.astype(np.float32)
        dz = (sigmoid(X @ w + np.float32(b)) - y) / len(y)
        return X.T @ dz, dz.sum()
    feedback = check("ex-bce-gradient", in_float32)
    assert not feedback and "float32" in feedback.message


def test_bce_gradient_accepts_other_forms_of_the_formula():
    from scipy.special import expit

    def with_mean(X, y, w, b):
        dz = np.exp(X @ w + b) / (1 + np.exp(X @ w + b)) - y
        return np.mean(X * dz[:, None], axis=0), np.mean(dz)

    def with_expit(X, y, w, b):
        dz = expit(X @ w + b) - y
        return (dz @ X) / len(y), float(np.sum(dz) / len(y))
    assert check("ex-bce-gradient", with_mean)
    assert check("ex-bce-gradient", with_expit)
