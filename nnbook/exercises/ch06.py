"""Answer checks for Chapter 6's exercises (training practice). (torch is imported by the checks that
use it: importing nnbook.exercises must not load PyTorch.)"""
import numpy as np

from ._core import Wrong, call, close, compare, exercise


@exercise("ex-dropout-backward")
def dropout_backward(answer):
    import torch
    import torch.nn.functional as F

    p = 0.3
    A = torch.rand(6, 5, dtype=torch.float64) + 0.5           # no activation is 0 by itself
    A.requires_grad_(True)
    torch.manual_seed(1)
    out = F.dropout(A, p=p, training=True)
    dA_out = torch.randn(6, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    out.backward(dA_out)
    keep = (out != 0).numpy()                                  # PyTorch's mask, read off its output
    expected, dA = A.grad.numpy(), dA_out.numpy()
    got = call(answer, dA.copy(), keep.copy(), p)
    if close(got, dA * keep):
        raise Wrong("the kept units must also be scaled by 1 / (1 - p), as in the forward pass: "
                    "inverted dropout multiplies each kept activation by 1 / (1 - p).")
    if close(got, dA / (1 - p)) or close(got, dA):
        raise Wrong("the gradient must be 0 where the unit was dropped: multiply by the mask.")
    if close(got, dA * keep / p) or close(got, dA * keep * (1 - p)):
        raise Wrong("the scale of a kept unit is 1 / (1 - p), where p is the probability of dropping it.")
    if close(got, dA * ~keep / (1 - p)):
        raise Wrong("the mask is inverted: `keep` is True where the unit was kept, and only those pass a gradient.")
    compare("dropout_backward(dA_out, keep, p)", got, expected,
            hint="dA = dA_out * keep / (1 - p): the backward pass multiplies by the same constants as the forward.")
    # another p: the scale must come from the argument p, not from a number written into the code
    p2 = 0.5
    torch.manual_seed(3)
    A2 = (torch.rand(6, 5, dtype=torch.float64) + 0.5).requires_grad_(True)
    out2 = F.dropout(A2, p=p2, training=True)
    out2.backward(torch.from_numpy(dA))
    keep2 = (out2 != 0).numpy()
    got2 = call(answer, dA.copy(), keep2.copy(), p2)
    if close(got2, dA * keep2 / (1 - p)):
        raise Wrong(f"with p = {p2} the kept units were scaled by 1 / {1 - p:g}, the scale for p = {p}: "
                    "use the argument p, 1 / (1 - p), not a fixed number.")
    compare(f"dropout_backward(dA_out, keep, p={p2})", got2, A2.grad.numpy(),
            hint="dA = dA_out * keep / (1 - p), with the p passed in.")
    return "It matches autograd through torch.nn.functional.dropout, for p = 0.3 and p = 0.5."


@exercise("ex-label-smoothing")
def smoothed_cross_entropy(answer):
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(6)
    Z = rng.normal(0.0, 3.0, size=(7, 5))                      # logits (n, K)
    y = np.array([0, 4, 1, 2, 3, 0, 4])
    eps, (n, K) = 0.2, Z.shape
    expected = F.cross_entropy(torch.from_numpy(Z), torch.from_numpy(y), label_smoothing=eps).item()
    got = call(answer, Z.copy(), y.copy(), eps)
    if got is not None and np.shape(got) == (n,):
        raise Wrong(f"the result has shape {np.shape(got)}: one loss per example. Return their mean.")
    log_probs = torch.log_softmax(torch.from_numpy(Z), dim=1).numpy()
    other_convention = (1 - eps) * np.eye(K)[y] + eps / (K - 1) * (1 - np.eye(K)[y])
    if close(got, -(other_convention * log_probs).sum(axis=1).mean()):
        raise Wrong("this spreads eps over the K - 1 wrong classes only; PyTorch (and the chapter) spread "
                    "it over all K classes: q = (1 - eps) one_hot(y) + eps / K.")
    if close(got, F.cross_entropy(torch.from_numpy(Z), torch.from_numpy(y)).item()):
        raise Wrong("this is the cross-entropy without smoothing: the targets must be smoothed by eps.")
    if close(got, n * expected):
        raise Wrong("the result is n times too large: average over the examples, don't sum.")
    compare("smoothed_cross_entropy(Z, y, eps)", got, expected,
            hint="L = mean over rows i of −sum_j q_ij log softmax(Z)_ij, q_ij = (1 − eps)[j = y_i] + eps / K.")
    with np.errstate(all="ignore"):
        got_big = call(answer, Z + 1000.0, y.copy(), eps)
    compare("smoothed_cross_entropy(Z + 1000, y, eps)", got_big, expected,
            hint="exp(1000) overflows: subtract each row's maximum before exponentiating.")
    # logits far apart: softmax underflows to 0 for some class, and every class has a target eps / K > 0
    Z_far, y_far = np.array([[0.0, 800.0, 1.0], [2.0, 0.0, -1.0]]), np.array([0, 0])
    expected_far = F.cross_entropy(torch.from_numpy(Z_far), torch.from_numpy(y_far), label_smoothing=eps).item()
    with np.errstate(all="ignore"):
        got_far = call(answer, Z_far.copy(), y_far.copy(), eps)
    if got_far is not None and np.ndim(got_far) == 0 and not np.isfinite(got_far):
        raise Wrong(f"for logits [0, 800, 1] the result is {float(got_far)}, the true loss about {expected_far:.0f}: "
                    "softmax gives the small classes exactly 0 (e^-800 underflows) and log(0) = -inf, which "
                    "label smoothing weights by eps / K > 0. Compute the log-softmax directly: "
                    "Z − max − log Σ exp(Z − max), not log(softmax(Z)).")
    compare("smoothed_cross_entropy([[0, 800, 1], [2, 0, -1]], [0, 0], eps)", got_far, expected_far,
            hint="log softmax(Z) = Z − max − log Σ exp(Z − max) stays finite for any logits.")
    return "It matches F.cross_entropy(..., label_smoothing=eps), also for large and far-apart logits."
