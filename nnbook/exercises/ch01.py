"""Answer checks for Chapter 1's exercises."""
import numpy as np

from ._core import Wrong, as_tuple, call, close, compare, exercise, sigmoid


def _batch(seed=0, n=7, d=3):
    """A batch X: (n, d), labels y: (n,) and parameters w: (d,), b of the checks' own."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), (rng.random(n) < 0.5).astype(float), rng.normal(size=d), 0.7


@exercise("ex-neuron-forward")
def neuron_forward(answer):
    X, _, w, b = _batch()
    z = X @ w + b
    got = call(answer, X, w, b)
    if got is not None and np.ndim(got) == 2 and np.shape(got) == (len(X), 1):
        raise Wrong(f"the output has shape {np.shape(got)}, expected ({len(X)},): one number "
                    "per example. With w of shape (d,), X @ w already has shape (n,).")
    # recognise the common slips before the generic comparison
    if got is not None and np.shape(got) == z.shape:
        if close(got, z):
            raise Wrong("your function returns the pre-activation z = Xw + b: "
                        "apply the sigmoid to it.")
        if close(got, sigmoid(X @ w)):
            raise Wrong("the bias is missing: the neuron computes σ(Xw + b).")
        if close(got, sigmoid(X @ w) + b):
            raise Wrong("the bias is added after the sigmoid: it belongs inside, σ(Xw + b).")
    compare("neuron_forward(X, w, b)", got, sigmoid(z),
            hint="A batch's outputs are σ(Xw + b), one per row of X.")
    # one example, shape (d,), must work too: then the output is a single number
    try:
        one = call(answer, X[0], w, b)
    except Wrong as wrong:
        raise Wrong(f"with one example x of shape (d,): {wrong} Write it with X @ w, which works "
                    "for one row and for a batch alike.") from None
    compare("neuron_forward(x, w, b) for one example x of shape (d,)", one, sigmoid(z[0]),
            hint="Use X @ w (not a loop over rows), which works for one row and for a batch.")
    return "The same line, σ(Xw + b), serves one example and a whole batch."


@exercise("ex-bce-gradient")
def bce_gradient(answer):
    X, y, w, b = _batch(seed=1, n=9)
    n = len(y)
    y_hat = sigmoid(X @ w + b)
    dz = (y_hat - y) / n
    expected_dw, expected_db = X.T @ dz, dz.sum()
    dw, db = as_tuple(call(answer, X, y, w, b), "bce_gradient", ["dw", "db"])
    dw_shape = np.shape(dw)
    if dw_shape != expected_dw.shape:
        raise Wrong(f"dw has shape {dw_shape}, expected {expected_dw.shape}: one number per weight. "
                    "Xᵀ(ŷ − y) is (d, n) @ (n,) -> (d,).")
    if np.size(db) != 1:
        raise Wrong(f"db should be one number, got shape {np.shape(db)}: sum (ŷ − y) over the examples.")
    db = float(np.asarray(db, dtype=float).reshape(()))
    # recognise the common slips
    if close(dw, n * expected_dw):
        raise Wrong(f"dw is {n} times too large: L is the MEAN of the n = {n} losses, "
                    "so divide the sum by n.")
    if close(dw, -expected_dw):
        raise Wrong("dw has the wrong sign: ∂ℓ/∂z = ŷ − y, not y − ŷ.")
    sig_prime = y_hat * (1 - y_hat)
    if close(dw, X.T @ (dz * sig_prime)):
        raise Wrong("dw has an extra factor σ′(z) = ŷ(1 − ŷ): that is the squared-error gradient. "
                    "For BCE the sigmoid's derivative cancels, leaving ∂ℓ/∂z = ŷ − y.")
    compare("dw", dw, expected_dw, hint="∂L/∂w = (1/n) Xᵀ(ŷ − y).")
    if np.isclose(db, n * expected_db):
        raise Wrong(f"db is {n} times too large: average over the examples, don't just sum.")
    compare("db", db, expected_db, hint="∂L/∂b = (1/n) Σᵢ (ŷᵢ − yᵢ).")
    return "The prediction error times the input, averaged over the batch."
