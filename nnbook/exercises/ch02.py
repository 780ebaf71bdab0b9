"""Answer checks for Chapter 2's exercises."""
import numpy as np

from ._core import Wrong, call, close, compare, exercise, sigmoid


_BIAS_HINT = ("A bias of shape (n_l,) lines up with the LAST axis of W A, the examples, not the "
              "neurons: make it a column, bias[:, None], of shape (n_l, 1).")


@exercise("ex-columns")
def forward_columns(answer):
    rng = np.random.default_rng(3)
    sizes = [2, 3, 1]
    weights = [rng.normal(size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=n_out) for n_out in sizes[1:]]   # 1-D, as in params
    # n = 5: the usual case; n = 1 and n = 3 = n_1: where a wrong bias shape does not raise
    for n in (5, 1, 3):
        X_cols = rng.normal(size=(sizes[0], n))
        A = X_cols
        for W, bias in zip(weights, biases):
            A = sigmoid(W @ A + bias[:, None])
        where = f"layer sizes 2 → 3 → 1, a batch of n = {n} example{'s' if n > 1 else ''} as columns"
        try:
            got = call(answer, X_cols, [W.copy() for W in weights], [b.copy() for b in biases])
        except Wrong as wrong:
            if str(wrong).startswith("not answered yet"):
                raise
            hint = f" {_BIAS_HINT}" if "broadcast" in str(wrong) else ""
            raise Wrong(f"with {where}: {wrong}{hint}") from None
        if got is not None and np.shape(got) == (n, 1) and n != 1:
            raise Wrong(f"with {where}: the output has shape (n, 1) = {np.shape(got)}; in the column "
                        f"convention it is (n_L, n) = (1, {n}), one column per example.")
        if got is not None and np.shape(got) != A.shape and np.ndim(got) == 2 and n == 1:
            raise Wrong(f"with {where}: the output has shape {np.shape(got)}, expected {A.shape}. "
                        f"{_BIAS_HINT} With one example, W A + bias silently broadcasts to an "
                        "(n_l, n_l) matrix instead of raising.")
        if n == 3 and not close(got, A):
            wrong_bias = X_cols
            for W, bias in zip(weights, biases):
                wrong_bias = sigmoid(W @ wrong_bias + bias)
            if close(got, wrong_bias):
                raise Wrong(f"with {where}: wrong numbers of the right shape. {_BIAS_HINT} "
                            "When n equals a layer's width, the 1-D bias broadcasts without an error.")
        compare(f"forward_columns(...) with {where}", got, A,
                hint="Each layer computes σ(W A + b) with W of shape (n_l, n_{l-1}) and b a column.")
    # a deeper network too: an answer written for exactly two layers must not pass
    sizes = [3, 4, 2, 1]
    weights = [rng.normal(size=(n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=n_out) for n_out in sizes[1:]]
    X_cols = rng.normal(size=(sizes[0], 6))
    A = X_cols
    for W, bias in zip(weights, biases):
        A = sigmoid(W @ A + bias[:, None])
    where = "layer sizes 3 → 4 → 2 → 1 (three layers), a batch of n = 6 examples as columns"
    try:
        got = call(answer, X_cols, [W.copy() for W in weights], [b.copy() for b in biases])
    except Wrong as wrong:
        if str(wrong).startswith("not answered yet"):
            raise
        raise Wrong(f"with {where}: {wrong} Loop over all the layers in `weights`, however many.") from None
    two_layers = sigmoid(weights[1] @ sigmoid(weights[0] @ X_cols + biases[0][:, None]) + biases[1][:, None])
    if close(got, two_layers):
        raise Wrong(f"with {where}: your function stops after two layers. Loop over all the layers "
                    "in `weights`, however many.")
    compare(f"forward_columns(...) with {where}", got, A,
            hint="Loop over all the layers in `weights`: σ(W A + b) for each, in order.")
    return "It also survives the batch sizes where a wrong bias shape fails silently (n = 1, n = n_l), and any depth."


@exercise("ex-two-layer")
def two_layer_forward(answer):
    rng = np.random.default_rng(5)
    n, d, h, k = 6, 3, 4, 2
    X = rng.normal(size=(n, d))
    W1, b1 = rng.normal(size=(d, h)), rng.normal(size=h)
    W2, b2 = rng.normal(size=(h, k)), rng.normal(size=k)
    Z1 = X @ W1 + b1
    expected = sigmoid(np.maximum(Z1, 0) @ W2 + b2)
    got = call(answer, X, W1, b1, W2, b2)
    if got is not None and np.shape(got) == (k, n):
        raise Wrong(f"the output has shape {np.shape(got)} = (n_2, n): that is the column convention. "
                    f"With examples as rows it is (n, n_2) = ({n}, {k}).")
    if close(got, np.maximum(Z1, 0) @ W2 + b2):
        raise Wrong("the output layer's sigmoid is missing: ŷ = σ(A1 W2 + b2).")
    if close(got, sigmoid(sigmoid(Z1) @ W2 + b2)):
        raise Wrong("the hidden layer uses the sigmoid; this network's hidden layer is ReLU, max(0, Z1).")
    if close(got, sigmoid(np.maximum(X @ W1, 0) @ W2 + b2)):
        raise Wrong("b1 is missing: the hidden layer computes ReLU(X W1 + b1).")
    if close(got, sigmoid(np.maximum(Z1, 0) @ W2)):
        raise Wrong("b2 is missing: the output computes σ(A1 W2 + b2).")
    compare("two_layer_forward(X, W1, b1, W2, b2)", got, expected,
            hint="Z1 = X W1 + b1, A1 = max(0, Z1), ŷ = σ(A1 W2 + b2), with examples as rows.")
    return "Two lines of the recursion Z = A W + b, A = g(Z)."
