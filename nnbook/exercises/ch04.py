"""Answer checks for Chapter 4's exercises."""
import numpy as np

from ._core import Wrong, as_tuple, call, close, compare, exercise

# the four XOR inputs, rows as everywhere in the book: X (4, 2), y (4,)
_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
_Y = np.array([0, 1, 1, 0])
_SHAPES = {"W1": (2, 2), "b1": (2,), "W2": (2, 1), "b2": (1,)}


_GATES = {  # the truth table on _X's four inputs of each gate the exercise asks for
    "OR": np.array([0, 1, 1, 1]), "NAND": np.array([1, 1, 1, 0]), "AND": np.array([0, 0, 0, 1])}


def _step(z):
    """The step unit of exercise ex-and-or: 1 where z >= 0, else 0 (the book's one tie-break)."""
    return (z >= 0).astype(float)


def _gate_name(outputs):
    """The name of the gate with these outputs on _X's four inputs, or the outputs themselves."""
    for name, table in _GATES.items():
        if np.array_equal(outputs, table):
            return name
    return "the outputs " + ", ".join(f"{_point(x)} -> {o:.0f}" for x, o in zip(_X, outputs))


def _point(x):
    return f"({x[0]:.0f},{x[1]:.0f})"


@exercise("ex-and-or")
def xor_step_network(answer):
    params = call(answer)
    if not isinstance(params, dict):
        raise Wrong(f"return a dict with keys {list(_SHAPES)}, got {type(params).__name__}")
    missing = [key for key in _SHAPES if key not in params]
    if missing:
        raise Wrong(f"the dict is missing {missing}; it needs {list(_SHAPES)}")
    arrays = {}
    for key, shape in _SHAPES.items():
        try:
            arrays[key] = np.asarray(params[key], dtype=float)
        except (TypeError, ValueError):
            raise Wrong(f"{key} should be numbers, got {type(params[key]).__name__}") from None
        if arrays[key].shape != shape:
            raise Wrong(f"{key} has shape {arrays[key].shape}, expected {shape} "
                        "(rows are examples: Z1 = X W1 + b1 with X of shape (4, 2)).")
    A1 = _step(_X @ arrays["W1"] + arrays["b1"])             # (4, 2)
    y_hat = _step(A1 @ arrays["W2"] + arrays["b2"]).ravel()  # (4,)
    wrong = [i for i in range(4) if y_hat[i] != _Y[i]]
    if wrong:
        said = ", ".join(f"{_point(_X[i])} -> {y_hat[i]:.0f}" for i in wrong)
        hint = ""
        if np.array_equal(y_hat, [0, 1, 1, 1]):
            hint = " Your network computes OR: the output must also turn (1,1) off (AND with NAND)."
        elif np.array_equal(y_hat, [1, 0, 0, 1]):
            hint = " Your network computes XNOR, the opposite of XOR: flip the output unit."
        raise Wrong(f"the network gets {len(wrong)} of the 4 inputs wrong: {said}; XOR wants "
                    + ", ".join(f"{_point(_X[i])} -> {_Y[i]}" for i in wrong) + "."
                    + hint + " Check each unit's z on the four inputs by hand (step: 1 when z >= 0, else 0).")
    # the exercise asks for a particular network: hidden OR and NAND, output AND of the two
    hidden_gates = [_gate_name(A1[:, j]) for j in range(2)]
    if sorted(hidden_gates) != ["NAND", "OR"]:
        raise Wrong(f"the network computes XOR, but not the way the exercise asks: its hidden units compute "
                    f"{hidden_gates[0]} and {hidden_gates[1]}, where the exercise wants OR (unit 1) and NAND "
                    "(unit 2), so that the output can be their AND.")
    # with hidden OR and NAND, an output that gets XOR right is AND on the hidden points that occur
    order = ("" if hidden_gates == ["OR", "NAND"] else
             " (Your hidden units come in the other order, NAND then OR: AND does not mind.)")
    margin = np.abs(np.concatenate([(_X @ arrays["W1"] + arrays["b1"]).ravel(),
                                    (A1 @ arrays["W2"] + arrays["b2"]).ravel()])).min()
    hidden = ", ".join(f"{_point(_X[i])} -> ({A1[i, 0]:.0f},{A1[i, 1]:.0f})" for i in range(4))
    note = (" One unit sits exactly at z = 0 on some input, right on its step: it is right under the "
            "book's rule (1 when z >= 0), but a bias moved by ½ would leave a safety margin." if margin == 0 else "")
    return f"The hidden layer maps {hidden}: a line separates the classes there." + order + note


@exercise("ex-parity")
def parity_data(answer):
    for n_bits in (1, 2, 3, 5):
        X, y = (np.asarray(part) for part in as_tuple(call(answer, n_bits), f"parity_data({n_bits})", ["X", "y"]))
        n = 2 ** n_bits
        if X.shape != (n, n_bits):
            raise Wrong(f"parity_data({n_bits}): X has shape {X.shape}, expected ({n}, {n_bits}): "
                        f"one row for each of the 2^{n_bits} corners of the cube.")
        if y.shape != (n,):
            raise Wrong(f"parity_data({n_bits}): y has shape {y.shape}, expected ({n},).")
        if not np.isin(X, (0, 1)).all():
            raise Wrong(f"parity_data({n_bits}): X must hold bits, 0 or 1, got the values {np.unique(X)}")
        if len({tuple(row) for row in X.astype(int)}) != n:
            raise Wrong(f"parity_data({n_bits}): some corners appear twice (and so others are "
                        f"missing): the {n} rows must be all different.")
        expected = X.astype(int).sum(axis=1) % 2
        if np.array_equal(y, 1 - expected):
            raise Wrong(f"parity_data({n_bits}): y is 1 where the number of ones is EVEN; "
                        "parity is 1 when it is odd (like XOR: 1 for (0,1) and (1,0)).")
        compare(f"parity_data({n_bits})[1] (the labels y)", y, expected,
                hint="y is 1 when an odd number of the row's bits are 1.")
    return "With n_bits = 2 the data are XOR's four points."


_G = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "relu": lambda z: np.maximum(0, z)}


@exercise("ex-hidden-layer")
def hidden_layer(answer):
    rng = np.random.default_rng(4)
    X, W1, b1 = rng.normal(size=(6, 2)), rng.normal(size=(2, 3)), rng.normal(size=3)
    for activation, g in _G.items():
        expected = g(X @ W1 + b1)   # (6, 3)
        got = call(answer, X, W1, b1, activation)
        if close(got, X @ W1 + b1):
            raise Wrong(f"for {activation!r} you return Z1 = X W1 + b1: apply the activation to it.")
        if close(got, g(X @ W1)):
            raise Wrong(f"for {activation!r} the bias is missing: A1 = g(X W1 + b1).")
        compare(f"hidden_layer(X, W1, b1, {activation!r}) with X (6, 2), W1 (2, 3), b1 (3,)",
                got, expected, hint="A1 = g(X W1 + b1): one row per example, one column per hidden unit.")
    return "The output unit sees only these numbers: the hidden space of the chapter's figures."
