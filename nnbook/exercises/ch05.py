"""Answer checks for Chapter 5's exercises. (torch is imported by the check that uses it: importing
nnbook.exercises, as Chapter 1 does, must not load PyTorch.)"""
import numpy as np

from ._core import Wrong, as_tuple, call, close, compare, exercise


@exercise("ex-cross-entropy")
def cross_entropy(answer):
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(5)
    Z = rng.normal(0.0, 3.0, size=(6, 4))  # logits (n, K)
    y = np.array([0, 3, 1, 2, 3, 0])
    # the reference is PyTorch's own loss on the same logits
    expected = F.cross_entropy(torch.from_numpy(Z), torch.from_numpy(y)).item()
    got = call(answer, Z.copy(), y.copy())
    # a float32 *result* is not wrong in itself (a float64 loss rounded at the end is accurate to 1e-7);
    # a loss *computed* in float32 is, and the logits near 1000 below name it
    if got is not None and np.shape(got) == (len(y),):
        raise Wrong(f"the result has shape {np.shape(got)}: one loss per example. "
                    "Return their mean over the batch, a single number.")
    if close(got, len(y) * expected):
        raise Wrong("the result is n times too large: average the examples' losses, don't sum them "
                    "(nn.CrossEntropyLoss takes the mean).")
    probabilities = torch.softmax(torch.from_numpy(Z), dim=1)
    if close(got, F.cross_entropy(probabilities, torch.from_numpy(y)).item()):
        raise Wrong("this is the loss of softmax(Z), i.e. a softmax applied twice: "
                    "the function receives logits and applies the (log-)softmax itself, once.")
    compare("cross_entropy(Z, y)", got, expected,
            hint="L = mean over rows i of −log softmax(Z)[i, y_i].")
    # large logits: a softmax written without subtracting the row maximum overflows
    Z_big = Z + 1000.0
    with np.errstate(all="ignore"):
        got_big = call(answer, Z_big, y.copy())
    if close(got_big, F.cross_entropy(torch.from_numpy(Z_big.astype(np.float32)), torch.from_numpy(y)).item(),
             rtol=1e-4, atol=1e-4) and not close(got_big, expected, rtol=1e-6):
        raise Wrong("the result has float32 precision: at logits near 1000, float32 keeps only about 4 decimals. "
                    "Compute in float64 (the dtype of the logits given).")
    compare("cross_entropy(Z + 1000, y)", got_big, expected,
            hint="Adding a constant to every logit of a row changes nothing; exp(1000) overflows, "
                 "so subtract each row's maximum before exponentiating.")
    # a confident, wrong prediction: softmax underflows to 0 for the true class, and log(0) = -inf
    Z_far, y_far = np.array([[0.0, 800.0], [3.0, 1.0]]), np.array([0, 0])
    expected_far = F.cross_entropy(torch.from_numpy(Z_far), torch.from_numpy(y_far)).item()
    with np.errstate(all="ignore"):
        got_far = call(answer, Z_far.copy(), y_far.copy())
    if got_far is not None and np.ndim(got_far) == 0 and not np.isfinite(got_far):
        raise Wrong(f"for the logits [[0, 800]] with label 0 the result is {float(got_far)}, the true loss "
                    f"about {expected_far:.0f}: softmax gives the true class exactly 0 (e^-800 underflows) "
                    "and log(0) = -inf. Take the log of the softmax analytically: "
                    "log softmax(Z) = Z − max − log Σ exp(Z − max).")
    compare("cross_entropy([[0, 800], [3, 1]], [0, 0])", got_far, expected_far,
            hint="log softmax(Z) = Z − max − log Σ exp(Z − max) stays finite for any logits.")
    return "It matches F.cross_entropy, also for logits around 1000 and for a confident mistake ([0, 800])."


@exercise("ex-standardise")
def standardise(answer):
    rng = np.random.default_rng(6)
    X_train = rng.uniform(0.0, 1.0, size=(40, 5)).astype(np.float32)
    X_other = rng.uniform(0.3, 1.6, size=(15, 5)).astype(np.float32)  # other statistics on purpose
    mean, s = X_train.mean(), X_train.std()
    expected_train, expected_other = (X_train - mean) / s, (X_other - mean) / s
    got_train, got_other = as_tuple(call(answer, X_train.copy(), X_other.copy()), "standardise",
                                   ["X_train_std", "X_other_std"])
    if close(got_train, (X_train - X_train.mean(axis=0)) / X_train.std(axis=0)):
        raise Wrong("you standardised each pixel (column) separately: the chapter uses one mean and "
                    "one s over all pixels of the training part.")
    # the sample standard deviation (ddof=1) is a correct alternative: over this many entries it
    # differs from the chapter's np.std (ddof=0) by a factor sqrt(N / (N - 1)), which changes nothing
    s1 = X_train.std(ddof=1)
    note = ""
    if close(got_train, (X_train - mean) / s1, rtol=1e-5, atol=1e-6) and not close(
            got_train, expected_train, rtol=1e-5, atol=1e-6):
        expected_train, expected_other = (X_train - mean) / s1, (X_other - mean) / s1
        note = (" You divided by the sample standard deviation (ddof=1); the chapter uses np.std's "
                "default ddof=0. Over many pixels the two differ by a factor sqrt(N / (N − 1)), "
                "practically 1: either is right.")
    if close(got_train, (X_train - mean) / X_train.var(), rtol=1e-5, atol=1e-6):
        raise Wrong("you divided by the variance (np.var), not by the standard deviation s = np.std.")
    compare("the standardised training part", got_train, expected_train, rtol=1e-5, atol=1e-6,
            hint="(X_train − mean) / s, with mean and s over all of X_train's entries "
                 "(s = X_train.std(); ddof=0 or ddof=1 are both accepted).")
    if close(got_other, (X_other - X_other.mean()) / X_other.std()) or close(
            got_other, (X_other - X_other.mean()) / X_other.std(ddof=1)):
        raise Wrong("the second array was standardised with its own mean and s: use the training "
                    "part's mean and s for it too, so that no test or validation image influences them.")
    compare("the standardised second array", got_other, expected_other, rtol=1e-5, atol=1e-6,
            hint="Use the training part's mean and s.")
    return ("Both parts use the training statistics only: the second one is not centred exactly at 0, "
            "and that is right." + note)
