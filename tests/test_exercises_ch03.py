"""Chapter 3's answer checks: the reference solutions pass, plausible wrong answers fail with a
message that says what is wrong."""
import numpy as np
import pytest

from nnbook.exercises import check


def layer_backward(dZ, A_prev, W):
    dW = A_prev.T @ dZ
    db = dZ.sum(axis=0)
    dZ_prev = (dZ @ W.T) * (1 - A_prev**2)
    return dW, db, dZ_prev


def momentum_step(P, v, dP, lr, momentum):
    v_new = momentum * v + dP
    return P - lr * v_new, v_new


# ---- ex-layer-backward: one step of the L-layer recursion ----------------------------------------------------

def test_layer_backward_reference_solution_passes():
    # the chapter's solution is accepted
    assert check("ex-layer-backward", layer_backward)


@pytest.mark.parametrize("wrong, message", [
    # dZ Aᵀ instead of Aᵀ dZ: the transposed product has the wrong shape
    (lambda dZ, A, W: (dZ.T @ A,) + layer_backward(dZ, A, W)[1:], "dW has shape (3, 5), expected (5, 3)"),
    # the bias gradient with an A_prev factor (the chapter's warning), summed to run
    (lambda dZ, A, W: (A.T @ dZ, (A.T @ dZ).sum(axis=0), layer_backward(dZ, A, W)[2]), "db differs"),
    # no column sum: db keeps the batch dimension
    (lambda dZ, A, W: (A.T @ dZ, dZ, layer_backward(dZ, A, W)[2]), "db has shape"),
    # the column sums with keepdims=True: a (1, n_l) row instead of (n_l,)
    (lambda dZ, A, W: (A.T @ dZ, dZ.sum(axis=0, keepdims=True), layer_backward(dZ, A, W)[2]),
     "drop keepdims=True"),
    # the mean of dZ's rows: a second 1/n on top of the one dZ already carries
    (lambda dZ, A, W: (A.T @ dZ, dZ.mean(axis=0), layer_backward(dZ, A, W)[2]), "db is the mean of dZ's rows"),
    # dW divided by n once more
    (lambda dZ, A, W: (A.T @ dZ / len(dZ),) + layer_backward(dZ, A, W)[1:], "divided by n = 7"),
    # forgetting the activation's derivative: dA_prev instead of dZ_prev
    (lambda dZ, A, W: (A.T @ dZ, dZ.sum(axis=0), dZ @ W.T), "multiply it element-wise by tanh′"),
    # the sigmoid's derivative instead of tanh's
    (lambda dZ, A, W: (A.T @ dZ, dZ.sum(axis=0), (dZ @ W.T) * A * (1 - A)), "1 − A_prev²"),
    # a single array instead of the tuple
    (lambda dZ, A, W: A.T @ dZ, "layer_backward must return a tuple (dW, db, dZ_prev), got ndarray"),
])
def test_layer_backward_wrong_answers_fail_with_a_useful_message(wrong, message):
    feedback = check("ex-layer-backward", wrong)
    assert not feedback
    assert message in feedback.message, feedback.message


def test_layer_backward_changing_the_inputs_is_reported():
    # an answer that scales dZ in place is told so
    def in_place(dZ, A, W):
        result = layer_backward(dZ, A, W)
        dZ *= 2
        return result
    feedback = check("ex-layer-backward", in_place)
    assert not feedback and "changed its inputs" in feedback.message


# ---- ex-momentum: a momentum step -----------------------------------------------------------------------

def test_momentum_reference_solution_passes():
    # the chapter's solution is accepted
    assert check("ex-momentum", momentum_step)


@pytest.mark.parametrize("wrong, message", [
    # the averaging convention v <- mu v + (1 - mu) g
    (lambda P, v, g, lr, mu: (P - lr * (mu * v + (1 - mu) * g), mu * v + (1 - mu) * g), "an average"),
    # stepping along the old velocity
    (lambda P, v, g, lr, mu: (P - lr * v, mu * v + g), "old velocity"),
    # plain SGD, velocity returned unchanged
    (lambda P, v, g, lr, mu: (P - lr * g, v), "v at step 1"),
    # adding instead of subtracting the step
    (lambda P, v, g, lr, mu: (P + lr * (mu * v + g), mu * v + g), "P at step 1 with lr = 0.1, momentum = 0.9 differs"),
    # Nesterov's momentum (PyTorch's nesterov=True), a different method
    (lambda P, v, g, lr, mu: (P - lr * (g + mu * (mu * v + g)), mu * v + g), "Nesterov"),
    # returning only P
    (lambda P, v, g, lr, mu: P - lr * (mu * v + g), "momentum_step must return a tuple (P_new, v_new), got ndarray"),
])
def test_momentum_wrong_answers_fail_with_a_useful_message(wrong, message):
    feedback = check("ex-momentum", wrong)
    assert not feedback
    assert message in feedback.message, feedback.message


def test_momentum_updating_in_place_is_reported():
    # an answer that changes P and v in place (as the package does internally) is told to return new arrays
    def in_place(P, v, g, lr, mu):
        v *= mu
        v += g
        P -= lr * v
        return P, v
    feedback = check("ex-momentum", in_place)
    assert not feedback and "in place" in feedback.message


def test_momentum_the_check_never_prints_the_solution():
    # the feedback on a wrong answer names the rule, not the expected arrays in full
    feedback = check("ex-momentum", lambda P, v, g, lr, mu: (P, v))
    assert not feedback and "[[" not in feedback.message


def test_momentum_cs231n_convention_is_accepted_and_named():
    # v <- mu v - lr g, P <- P + v moves P identically: accepted, with a message naming the convention
    def cs231n(P, v, g, lr, mu):
        v_new = mu * v - lr * g
        return P + v_new, v_new
    feedback = check("ex-momentum", cs231n)
    assert feedback and "CS231n" in feedback.message, feedback.message


def test_momentum_hard_coded_settings_are_rejected():
    # an answer that ignores lr and momentum and uses 0.1 and 0.9 fails on the other settings
    feedback = check("ex-momentum", lambda P, v, g, lr, mu: momentum_step(P, v, g, 0.1, 0.9))
    assert not feedback and "lr = 0.03" in feedback.message, feedback.message


def test_layer_backward_in_float32_is_accepted():
    # the same formulas computed in float32 are right: the check compares at rtol 1e-6
    assert check("ex-layer-backward", lambda dZ, A, W: tuple(
        x.astype(np.float32) for x in layer_backward(dZ, A, W)))


def test_momentum_in_float32_is_accepted():
    # a correct step that returns float32 arrays is right, not "differs at 1e-10"
    feedback = check("ex-momentum", lambda P, v, g, lr, mu: tuple(
        x.astype(np.float32) for x in momentum_step(P, v, g, lr, mu)))
    assert feedback, feedback.message
