"""Chapter 6's (training practice) answer checks accept the reference solutions and explain plausible
wrong answers."""
import numpy as np
import pytest

from nnbook.exercises import check


def dropout_backward(dA_out, keep, p):
    return dA_out * keep / (1 - p)


def smoothed_cross_entropy(Z, y, eps):
    n, K = Z.shape
    Z = Z - Z.max(axis=1, keepdims=True)
    log_probs = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    q = np.full((n, K), eps / K)
    q[np.arange(n), y] += 1 - eps
    return -(q * log_probs).sum(axis=1).mean()


# the reference backward pass of inverted dropout passes
def test_dropout_backward_reference_passes():
    assert check("ex-dropout-backward", dropout_backward)


@pytest.mark.parametrize("wrong, message", [
    (lambda dA, keep, p: dA * keep, "scaled by 1 / \\(1 - p\\)"),            # forgot the scale
    (lambda dA, keep, p: dA / (1 - p), "0 where the unit was dropped"),     # forgot the mask
    (lambda dA, keep, p: dA * keep / p, "probability of dropping"),          # p for 1 - p
    (lambda dA, keep, p: dA * ~keep / (1 - p), "mask is inverted"),          # the mask turned round
    (lambda dA, keep, p: 2 * dA * keep / (1 - p), "differs at index"),       # any other slip
])
# each plausible mistake is named
def test_dropout_backward_mistakes_are_named(wrong, message):
    feedback = check("ex-dropout-backward", wrong)
    assert not feedback and __import__("re").search(message, feedback.message), feedback.message


# the reference smoothed cross-entropy passes
def test_label_smoothing_reference_passes():
    assert check("ex-label-smoothing", smoothed_cross_entropy)


def _other_convention(Z, y, eps):
    n, K = Z.shape
    Z = Z - Z.max(axis=1, keepdims=True)
    log_probs = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    q = np.full((n, K), eps / (K - 1))
    q[np.arange(n), y] = 1 - eps
    return -(q * log_probs).sum(axis=1).mean()


def _naive(Z, y, eps):
    n, K = Z.shape
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    q = np.full((n, K), eps / K)
    q[np.arange(n), y] += 1 - eps
    return -(q * np.log(P)).sum(axis=1).mean()


@pytest.mark.parametrize("wrong, message", [
    (_other_convention, "K - 1 wrong classes"),                                   # eps / (K - 1) convention
    (lambda Z, y, eps: smoothed_cross_entropy(Z, y, 0.0), "without smoothing"),  # eps ignored
    (lambda Z, y, eps: len(y) * smoothed_cross_entropy(Z, y, eps), "n times too large"),
    (_naive, "overflows"),                                                        # no max subtraction
])
# each plausible mistake is named
def test_label_smoothing_mistakes_are_named(wrong, message):
    feedback = check("ex-label-smoothing", wrong)
    assert not feedback and message in feedback.message, feedback.message


# a dropout backward with the scale of p = 0.3 written in (/ 0.7) is caught at p = 0.5, naming the fixed number
def test_dropout_backward_hard_coded_p_fails():
    fb = check("ex-dropout-backward", lambda dA, keep, p: dA * keep / 0.7)
    assert not fb and "use the argument p" in fb.message, fb.message


# log(softmax(Z)) underflows for logits 800 apart, and smoothing weights every class: named
def test_smoothed_cross_entropy_log_of_softmax_fails():
    def via_softmax(Z, y, eps):
        n, K = Z.shape
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        q = np.full((n, K), eps / K)
        q[np.arange(n), y] += 1 - eps
        return -(q * np.log(E / E.sum(axis=1, keepdims=True))).sum(axis=1).mean()
    fb = check("ex-label-smoothing", via_softmax)
    assert not fb and "log(softmax(Z))" in fb.message, fb.message


# a correct alternative: log-softmax through scipy.special.logsumexp is accepted
def test_smoothed_cross_entropy_logsumexp_passes():
    from scipy.special import logsumexp

    def via_logsumexp(Z, y, eps):
        log_probs = Z - logsumexp(Z, axis=1, keepdims=True)
        K = Z.shape[1]
        return -((1 - eps) * log_probs[np.arange(len(y)), y] + eps / K * log_probs.sum(axis=1)).mean()
    assert check("ex-label-smoothing", via_logsumexp)
