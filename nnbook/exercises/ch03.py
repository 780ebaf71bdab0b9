"""Answer checks for Chapter 3's exercises."""
import numpy as np

from ..optimizers import Momentum
from ._core import Wrong, as_tuple, call, close, compare, exercise


@exercise("ex-layer-backward")
def layer_backward(answer):
    """One step of the backpropagation recursion through a layer with a tanh layer below it."""
    rng = np.random.default_rng(35)
    n, n_prev, n_l = 7, 5, 3                     # all different, so that a transposed product shows
    dZ = rng.normal(size=(n, n_l))
    A_prev = np.tanh(rng.normal(size=(n, n_prev)))
    W = rng.normal(size=(n_prev, n_l))
    inputs = [dZ.copy(), A_prev.copy(), W.copy()]
    got = as_tuple(call(answer, *inputs), "layer_backward", ["dW", "db", "dZ_prev"])
    if not all(np.array_equal(a, b) for a, b in zip(inputs, (dZ, A_prev, W))):
        raise Wrong("layer_backward changed its inputs; compute new arrays instead")
    dW, db, dZ_prev = got
    if close(dW, A_prev.T @ dZ / n):
        raise Wrong(f"dW is A_prevᵀ dZ divided by n = {n}: dZ already carries the 1/n of the batch mean "
                    "(it is dL/dZ of the mean loss), so dW = A_prevᵀ dZ, with no second 1/n.")
    compare("dW", dW, A_prev.T @ dZ,
            hint="dW has the shape of W, (n_prev, n_l): A_prevᵀ dZ, a sum over the samples.")
    if np.shape(db) == (1, n_l) and close(np.ravel(db), dZ.sum(axis=0)):
        raise Wrong(f"db has the right numbers but shape (1, {n_l}): dZ.sum(axis=0, keepdims=True) keeps "
                    f"the summed axis as a row. b has shape ({n_l},), and so must db: drop keepdims=True.")
    if close(db, dZ.mean(axis=0)):
        raise Wrong("db is the mean of dZ's rows: dZ already carries the 1/n of the batch mean, so db is "
                    "their sum, dZ.sum(axis=0).")
    compare("db", db, dZ.sum(axis=0),
            hint="db has the shape of b, (n_l,): the column sums of dZ, with no A_prev factor.")
    dA_prev = dZ @ W.T
    if close(dZ_prev, dA_prev):
        raise Wrong("dZ_prev is dZ Wᵀ, which is dA_prev: multiply it element-wise by tanh′(Z_prev) "
                    "= 1 − A_prev².")
    compare("dZ_prev", dZ_prev, dA_prev * (1 - A_prev**2),
            hint="dZ_prev = (dZ Wᵀ) ⊙ tanh′(Z_prev), and tanh′(Z_prev) = 1 − A_prev².")
    return "Run it in a loop from l = L down to 1 and you have backpropagation for L layers."


@exercise("ex-momentum")
def momentum_step(answer):
    """SGD with momentum, PyTorch's convention, compared with nnbook.optimizers.Momentum.

    Several learning rates and momenta, three steps each; the velocity the answer returns is fed
    back to it. CS231n's convention (v <- mu v - lr dP, P <- P + v) moves P identically: it is
    accepted, and the message names it.
    """
    rng = np.random.default_rng(36)
    conventions = set()
    for lr, mu in [(0.1, 0.9), (0.03, 0.5), (0.5, 0.0)]:
        P = rng.normal(size=(4, 3))
        reference = {"P": P.copy()}
        optimiser = Momentum(lr=lr, momentum=mu)
        v = np.zeros_like(P)
        for step in range(1, 4):
            dP = rng.normal(size=P.shape)
            inputs = (P.copy(), v.copy(), dP.copy())
            got = as_tuple(call(answer, *inputs, lr, mu), "momentum_step", ["P_new", "v_new"])
            if not (np.array_equal(inputs[0], P) and np.array_equal(inputs[1], v)
                    and np.array_equal(inputs[2], dP)):
                raise Wrong("momentum_step changed its inputs in place; return new arrays instead")
            optimiser.step(reference, {"P": dP})
            v_expected = optimiser.v["P"]
            P_new, v_new = got
            where = f"at step {step} with lr = {lr}, momentum = {mu}"
            if mu > 0 and close(v_new, mu * v + (1 - mu) * dP):
                raise Wrong(f"{where} the velocity is μ v + (1 − μ) dP, an average; this book "
                            "(and PyTorch) uses the sum v ← μ v + dP.")
            if mu > 0 and close(P_new, P - lr * v):
                raise Wrong(f"{where} P moved along the old velocity: update v first, then "
                            "step along the new one, P ← P − lr · v.")
            if mu > 0 and close(P_new, P - lr * (dP + mu * v_expected)):
                raise Wrong(f"{where} P moved by lr · (dP + μ v_new): that is Nesterov's momentum "
                            "(PyTorch's nesterov=True). This exercise asks for plain momentum, P ← P − lr · v "
                            "with the new v.")
            if close(v_new, -lr * v_expected) and close(P_new, reference["P"]):
                conventions.add("cs231n")        # v holds the step itself: v ← μ v − lr dP, P ← P + v
            else:
                compare(f"v {where}", v_new, v_expected,   # default rtol 1e-6: a float32 answer passes
                        hint="v ← μ v + dP (v starts at 0).")
            compare(f"P {where}", P_new, reference["P"],
                    hint="P ← P − lr · v, with the new v.")
            P, v = np.asarray(P_new, dtype=float), np.asarray(v_new, dtype=float)
    if conventions:
        return ("Your steps follow CS231n's convention, v ← μ v − lr · dP and P ← P + v: your v is −lr "
                "times the book's (and PyTorch's), and P moves identically for a fixed learning rate. "
                "With a learning rate that changes during training the two differ.")
    return "Three steps in a row, for three learning rates and momenta, agree with nnbook.optimizers.Momentum."
