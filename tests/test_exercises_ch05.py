"""Chapter 5's answer checks accept the reference solutions and explain plausible wrong answers."""
import numpy as np

from nnbook.exercises import check


def cross_entropy(Z, y):
    Z = Z - Z.max(axis=1, keepdims=True)
    log_probs = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    return -log_probs[np.arange(len(y)), y].mean()


def standardise(X_train, X_other):
    mean, s = X_train.mean(), X_train.std()
    return (X_train - mean) / s, (X_other - mean) / s


# the reference cross-entropy passes
def test_cross_entropy_reference_passes():
    assert check("ex-cross-entropy", cross_entropy)


# one loss per example instead of the mean is named
def test_cross_entropy_per_example_losses_fail():
    def per_example(Z, y):
        Z = Z - Z.max(axis=1, keepdims=True)
        return -(Z - np.log(np.exp(Z).sum(axis=1, keepdims=True)))[np.arange(len(y)), y]
    fb = check("ex-cross-entropy", per_example)
    assert not fb and "one loss per example" in fb.message


# summing instead of averaging is named
def test_cross_entropy_sum_fails():
    fb = check("ex-cross-entropy", lambda Z, y: len(y) * cross_entropy(Z, y))
    assert not fb and "n times too large" in fb.message


# a softmax applied before the loss (the chapter's classic mistake) is named
def test_cross_entropy_double_softmax_fails():
    def twice(Z, y):
        P = np.exp(Z - Z.max(axis=1, keepdims=True))
        return cross_entropy(P / P.sum(axis=1, keepdims=True), y)
    fb = check("ex-cross-entropy", twice)
    assert not fb and "twice" in fb.message


# a softmax without the max subtraction overflows on large logits, and the hint says why
def test_cross_entropy_without_max_subtraction_fails_on_large_logits():
    def naive(Z, y):
        P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
        return -np.log(P[np.arange(len(y)), y]).mean()
    fb = check("ex-cross-entropy", naive)
    assert not fb and "Z + 1000" in fb.message and "maximum" in fb.message


# the reference standardisation passes
def test_standardise_reference_passes():
    assert check("ex-standardise", standardise)


# using the second array's own statistics (a leak) is named
def test_standardise_own_statistics_fail():
    fb = check("ex-standardise", lambda A, B: ((A - A.mean()) / A.std(), (B - B.mean()) / B.std()))
    assert not fb and "its own mean" in fb.message


# per-pixel statistics are named
def test_standardise_per_pixel_fails():
    fb = check("ex-standardise", lambda A, B: ((A - A.mean(0)) / A.std(0), (B - A.mean(0)) / A.std(0)))
    assert not fb and "each pixel" in fb.message


# returning one array instead of a pair is named
def test_standardise_not_a_pair_fails():
    fb = check("ex-standardise", lambda A, B: (A - A.mean()) / A.std())
    assert not fb and "standardise must return a tuple (X_train_std, X_other_std), got ndarray" in fb.message




def stable_softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


# log of a stable softmax overflows to inf for a confident mistake ([0, 800], label 0): named
def test_cross_entropy_log_of_softmax_fails_on_far_logits():
    fb = check("ex-cross-entropy", lambda Z, y: -np.log(stable_softmax(Z))[np.arange(len(y)), y].mean())
    assert not fb and "log(0) = -inf" in fb.message and "[[0, 800]]" in fb.message, fb.message


# a loss computed in float32 is named as a float32 mistake, not as an overflow
def test_cross_entropy_float32_is_named():
    fb = check("ex-cross-entropy", lambda Z, y: cross_entropy(Z.astype(np.float32), y))
    assert not fb and "float32" in fb.message and "overflow" not in fb.message, fb.message


# float32 inside, float64 returned: still named as float32 precision
def test_cross_entropy_float32_inside_is_named():
    fb = check("ex-cross-entropy", lambda Z, y: float(cross_entropy(Z.astype(np.float32), y)))
    assert not fb and "float32" in fb.message, fb.message


# the sample standard deviation (ddof=1) is a correct alternative, accepted with a note naming ddof
def test_standardise_ddof_one_is_accepted():
    def ddof1(A, B):
        mean, s = A.mean(), A.std(ddof=1)
        return (A - mean) / s, (B - mean) / s
    fb = check("ex-standardise", ddof1)
    assert fb and "ddof=1" in fb.message, fb.message


# dividing by the variance is named
def test_standardise_variance_fails():
    fb = check("ex-standardise", lambda A, B: ((A - A.mean()) / A.var(), (B - A.mean()) / A.var()))
    assert not fb and "variance" in fb.message, fb.message


# a loss computed in float64 and returned as np.float32 is accurate to 1e-7: accepted (as in ex-label-smoothing)
def test_cross_entropy_float32_result_of_a_float64_computation_is_accepted():
    fb = check("ex-cross-entropy", lambda Z, y: np.float32(cross_entropy(Z, y)))
    assert fb, fb.message
