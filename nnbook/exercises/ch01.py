"""Answer checks for Chapter 1's exercises."""
import ast
import inspect
import textwrap

import numpy as np

from ._core import Wrong, as_tuple, call, close, compare, exercise, sigmoid


def _batch(seed=0, n=7, d=3):
    """A batch X: (n, d), labels y: (n,) and parameters w: (d,), b of the checks' own."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), (rng.random(n) < 0.5).astype(float), rng.normal(size=d), 0.7


class _RowsNotIterable(np.ndarray):
    """A batch that refuses to be taken apart row by row (`for x in X`, `X[i]`, `X[i, :]`,
    `X.tolist()`, np.apply_along_axis, np.vectorize with a signature); X @ w works as usual."""

    def __iter__(self):
        raise TypeError("this check's batch X cannot be iterated row by row")

    def __getitem__(self, key):
        first = key[0] if isinstance(key, tuple) and key else key
        if self.ndim >= 2 and isinstance(first, (int, np.integer)):
            raise TypeError("this check's batch X cannot be iterated row by row (X[i])")
        return super().__getitem__(key)

    def tolist(self):
        raise TypeError("this check's batch X cannot be iterated row by row (X.tolist())")

    def __repr__(self):            # printing X while debugging is not a loop
        return repr(self.view(np.ndarray))

    def __str__(self):
        return str(self.view(np.ndarray))


def _loops_over_rows_in_source(function):
    """The loops in the function's source whose iterable (or while-condition) is X, its first
    argument, or a name bound to X as a whole (np.asarray(X), X.T, ...): a loop over the rows that
    the run-time check cannot see, e.g. after np.asarray(X). Loops over other things (the features,
    X.shape) are not listed. () when the function has no source."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        params = list(inspect.signature(function).parameters)
    except (OSError, TypeError, ValueError, SyntaxError, IndentationError):
        return ()
    if not params:
        return ()
    rows = {params[0]}

    def whole(node):
        # an expression that is X as a whole: X, np.asarray(X), X.T, X.tolist(), np.atleast_2d(X), ...
        if isinstance(node, ast.Name):
            return node.id in rows
        if isinstance(node, ast.Attribute):
            return node.attr in {"T", "tolist", "copy", "reshape", "astype", "view"} and whole(node.value)
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in {"shape", "ndim", "size", "len"}:      # np.shape(X): its sizes, not its rows
                return False
            return whole(node.func) or any(whole(a) for a in node.args)
        return False

    def counts_rows(node):
        # mentions X as a whole or its number of rows (len(X), X.shape[0]); not X.shape[1], X.ndim
        for sub in ast.walk(node):
            if isinstance(sub, ast.Subscript) and isinstance(sub.value, ast.Attribute) \
                    and sub.value.attr == "shape" and whole(sub.value.value):
                index = sub.slice
                if isinstance(index, ast.Constant) and index.value == 0:
                    return True
            if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "len" \
                    and sub.args and whole(sub.args[0]):
                return True
        return whole(node) or (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                               and node.func.id in {"enumerate", "zip", "map", "list", "reversed"}
                               and any(whole(a) for a in node.args))

    changed = True
    while changed:                      # names bound to X as a whole, then to those names
        changed = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and whole(node.value):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id not in rows:
                        rows.add(target.id)
                        changed = True
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.For) and counts_rows(node.iter):
            found.append("for")
        elif isinstance(node, ast.While) and counts_rows(node.test):
            found.append("while")
        elif isinstance(node, ast.comprehension) and counts_rows(node.iter):
            found.append("comprehension")
    return tuple(found)


_NO_LOOP = ("Write it without a loop over the rows: X @ w computes all n weighted sums in one "
            "product, for a batch and for one example alike.")


@exercise("ex-neuron-forward")
def neuron_forward(answer):
    X, _, w, b = _batch()
    z = X @ w + b
    try:
        call(answer, X.view(_RowsNotIterable), w, b)
    except Wrong as wrong:
        if "iterated row by row" in str(wrong):
            raise Wrong(f"your function loops over the rows of X. {_NO_LOOP}") from None
    loops = _loops_over_rows_in_source(answer)
    if loops:
        raise Wrong(f"your function loops over the rows of X (a {', '.join(sorted(set(loops)))} over them). "
                    f"{_NO_LOOP}")
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
    if close(np.append(np.ravel(dw), db), np.append(expected_dw, expected_db), rtol=1e-2, atol=1e-6):
        # near the gradient but perhaps not exact: finite differences with a large step
        _exact_to_rounding(np.append(np.ravel(dw), db), np.append(expected_dw, expected_db),
                           "at an ordinary point")
    compare("dw", dw, expected_dw, hint="∂L/∂w = (1/n) Xᵀ(ŷ − y).")
    if np.isclose(db, n * expected_db):
        raise Wrong(f"db is {n} times too large: average over the examples, don't just sum.")
    compare("db", db, expected_db, hint="∂L/∂b = (1/n) Σᵢ (ŷᵢ − yᵢ).")
    # The formula is exact up to rounding (about 1e-16 relative); finite differences cannot be: their
    # truncation error (of order δ²) and rounding error (of order ε L / δ) leave at best about 1e-10
    # relative at an ordinary point, for any δ. Checked at the ordinary point above and where every
    # example is confidently wrong (L ≈ 20, where the rounding error is largest).
    _exact_to_rounding(np.append(np.ravel(dw), db), np.append(expected_dw, expected_db),
                       "at an ordinary point")
    X2, y2, w2, b2 = _far_from_the_minimum()
    dz2 = (sigmoid(X2 @ w2 + b2) - y2) / len(y2)
    exact = np.append(X2.T @ dz2, dz2.sum())
    dw2, db2 = as_tuple(call(answer, X2, y2, w2, b2), "bce_gradient", ["dw", "db"])
    try:
        got2 = np.append(np.asarray(dw2, dtype=float).ravel(), np.asarray(db2, dtype=float).ravel())
    except (TypeError, ValueError):
        got2 = None
    compare("(dw, db) where every example is confidently wrong", got2, exact,
            hint="∂L/∂w = (1/n) Xᵀ(ŷ − y), ∂L/∂b = (1/n) Σᵢ (ŷᵢ − yᵢ).")
    _exact_to_rounding(got2, exact, f"where every example is confidently wrong (a loss of about "
                                    f"{_bce(X2, y2, w2, b2):.0f})")
    return "The prediction error times the input, averaged over the batch."


def _exact_to_rounding(got, exact, where):
    """Wrong unless got equals the formula's float64 value to 1e-12 of the gradient's size (rounding
    leaves about 1e-16; finite differences at best about 1e-10, float32 about 1e-7)."""
    got, exact = np.asarray(got, dtype=float), np.asarray(exact, dtype=float)
    worst = float(np.max(np.abs(got - exact)) / np.max(np.abs(exact)))
    if worst > 1e-12:
        raise Wrong(f"{where} your gradient is off by {worst:.0e} of its size, while the formula "
                    "computed in float64 is exact to about 1e-16. That is the error of finite "
                    "differences (or of float32 arithmetic): the exercise asks for the derived formula, "
                    "(1/n) Xᵀ(ŷ − y) and (1/n) Σᵢ (ŷᵢ − yᵢ), in float64.")


def _far_from_the_minimum(n=9, d=3):
    """Labels all 1, inputs positive, weights negative: z ≈ -20 for every example."""
    rng = np.random.default_rng(2)
    return rng.uniform(0.5, 1.5, size=(n, d)), np.ones(n), np.full(d, -20.0 / d), 0.0


def _bce(X, y, w, b):
    z = X @ w + b
    return float(np.mean(y * np.logaddexp(0, -z) + (1 - y) * np.logaddexp(0, z)))
