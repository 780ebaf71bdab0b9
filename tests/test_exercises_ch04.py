"""Chapter 4's answer checks accept the reference solutions and explain plausible wrong answers."""
import numpy as np

from nnbook.exercises import check

G = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "relu": lambda z: np.maximum(0, z)}


# ---- ex-and-or: XOR with step units -------------------------------------------------------------------

def xor_net(W1=((1.0, -1.0), (1.0, -1.0)), b1=(-0.5, 1.5), W2=((1.0,), (1.0,)), b2=(-1.5,)):
    return lambda: {"W1": np.array(W1), "b1": np.array(b1), "W2": np.array(W2), "b2": np.array(b2)}


def test_and_or_accepts_or_nand_and():
    # the chapter's solution: hidden OR and NAND, output AND
    assert check("ex-and-or", xor_net())


def test_and_or_rejects_an_xor_network_built_from_other_gates():
    # hidden OR and AND, output "OR and not AND" computes XOR, but the exercise asks for OR, NAND, AND
    feedback = check("ex-and-or", xor_net(W1=((1, 1), (1, 1)), b1=(-0.5, -1.5), W2=((1,), (-2,)), b2=(-0.5,)))
    assert not feedback and "hidden units compute OR and AND" in feedback.message


def test_and_or_accepts_the_hidden_units_in_the_other_order():
    # NAND then OR: the output AND is symmetric, so this is the same network
    feedback = check("ex-and-or", xor_net(W1=((-1.0, 1.0), (-1.0, 1.0)), b1=(1.5, -0.5)))
    assert feedback and "other order" in feedback.message


def test_and_or_accepts_integer_thresholds_right_under_z_at_least_0():
    # OR b = -1, NAND b = 1, AND b = -2: each z is exactly 0 on its boundary inputs, class 1 under z >= 0
    feedback = check("ex-and-or", xor_net(b1=(-1.0, 1.0), b2=(-2.0,)))
    assert feedback and "exactly at z = 0" in feedback.message


def test_and_or_names_the_inputs_an_or_network_gets_wrong():
    # output unit OR instead of AND: (0,0) -> 1 because NAND(0,0) = 1
    feedback = check("ex-and-or", xor_net(b2=(-0.5,)))
    assert not feedback and "(0,0) -> 1" in feedback.message and "XOR wants (0,0) -> 0" in feedback.message


def test_and_or_recognises_xnor():
    feedback = check("ex-and-or", xor_net(W2=((-1.0,), (-1.0,)), b2=(1.5,)))
    assert not feedback and "XNOR" in feedback.message


def test_and_or_says_which_shape_is_wrong():
    feedback = check("ex-and-or", xor_net(W2=(1.0, 1.0)))
    assert not feedback and "W2 has shape (2,), expected (2, 1)" in feedback.message


def test_and_or_rejects_or_with_bias_0_under_z_at_least_0():
    # OR with bias 0 gives z = 0 on (0,0), which is class 1 under the book's tie-break: (0,0) -> 1
    feedback = check("ex-and-or", xor_net(b1=(0.0, 1.5)))
    assert not feedback and "(0,0) -> 1" in feedback.message


def test_and_or_names_a_missing_key():
    feedback = check("ex-and-or", lambda: {"W1": np.ones((2, 2))})
    assert not feedback and "the dict is missing ['b1', 'W2', 'b2']" in feedback.message


# ---- ex-parity: parity data ---------------------------------------------------------------------------

def parity(n_bits):
    X = np.array([[(i >> k) & 1 for k in range(n_bits)] for i in range(2 ** n_bits)])
    return X, X.sum(axis=1) % 2


def test_parity_accepts_the_reference_in_any_row_order():
    assert check("ex-parity", parity)
    assert check("ex-parity", lambda n: tuple(part[::-1] for part in parity(n)))


def test_parity_recognises_even_parity():
    feedback = check("ex-parity", lambda n: (parity(n)[0], 1 - parity(n)[1]))
    assert not feedback and "EVEN" in feedback.message


def test_parity_rejects_repeated_corners():
    feedback = check("ex-parity", lambda n: (np.zeros((2 ** n, n)), np.zeros(2 ** n)))
    assert not feedback and "appear twice" in feedback.message


def test_parity_names_the_wrong_shape():
    feedback = check("ex-parity", lambda n: (parity(n)[0].T, parity(n)[1]))
    assert not feedback and "X has shape" in feedback.message


# ---- ex-hidden-layer: the hidden layer ----------------------------------------------------------------------

def test_hidden_layer_accepts_the_reference():
    assert check("ex-hidden-layer", lambda X, W1, b1, activation: G[activation](X @ W1 + b1))


def test_hidden_layer_recognises_a_missing_activation():
    feedback = check("ex-hidden-layer", lambda X, W1, b1, activation: X @ W1 + b1)
    assert not feedback and "apply the activation" in feedback.message


def test_hidden_layer_recognises_a_missing_bias():
    feedback = check("ex-hidden-layer", lambda X, W1, b1, activation: G[activation](X @ W1))
    assert not feedback and "bias is missing" in feedback.message


def test_hidden_layer_reports_a_transposed_result():
    feedback = check("ex-hidden-layer", lambda X, W1, b1, activation: G[activation](X @ W1 + b1).T)
    assert not feedback and "shape (3, 6), expected (6, 3)" in feedback.message


