"""Answer checks for Chapter 7's exercises (convolution by hand), keyed by the exercises' labels.

ex-conv2d-single: `conv2d_single(x, k)`: a valid cross-correlation of one channel, any kernel shape.
ex-output-size: `output_size(n, k, p, s)`: the output-size formula, including strides that do not divide.
ex-conv-params: `conv_params(C_in, C_out, k, bias=True)`: the parameter count of a convolution layer.
ex-pool-backward: `max_pool_backward_single(x, dy)`: the gradient of 2x2 max-pooling, ties as PyTorch.
"""
import numpy as np

from nnbook.conv import conv2d, conv_output_size, max_pool2d_backward

from ._core import Wrong, ask_for_a_count, call, close, compare, diagnose, exercise


# ---- ex-conv2d-single: a convolution of one channel ----------------------------------------------------------

def _valid_correlation(x, k):
    """The reference: nnbook.conv.conv2d on one image, one channel, one kernel."""
    return conv2d(x[None, None], k[None, None])[0, 0]


@exercise("ex-conv2d-single")
def conv2d_single(answer):
    rng = np.random.default_rng(6)
    cases = [(np.arange(20.0).reshape(4, 5), np.array([[1.0, 0.0, -1.0]]))]   # small, by hand
    for (H, W), (kH, kW) in [((6, 7), (2, 3)), ((8, 8), (3, 1)), ((5, 9), (1, 4)),
                             ((10, 9), (3, 3)), ((7, 6), (5, 2))]:
        cases.append((rng.normal(size=(H, W)), rng.normal(size=(kH, kW))))
    for x, k in cases:
        expected = _valid_correlation(x, k)
        name = f"conv2d_single(x, k) for x of shape {x.shape} and k of shape {k.shape}"
        got = call(answer, x.copy(), k.copy())
        if got is None:
            raise Wrong(f"{name} returned None: did the function forget to return Y?")
        if hasattr(got, "detach"):  # a torch tensor (one that requires grad cannot become an array)
            got = got.detach().cpu().numpy()
        got_shape = np.shape(got)
        H, W = x.shape
        kH, kW = k.shape
        if got_shape != expected.shape:
            if got_shape == (H - kH, W - kW):
                hint = ("One row and one column short: a window of size k fits at positions "
                        "0, 1, ..., H − k, which is H − k + 1 positions.")
            elif got_shape == (H - kH + 2, W - kW + 2):
                hint = "One row and one column too many: the last window must not stick out."
            elif got_shape == x.shape:
                hint = "That is the input's size: a valid convolution has no padding, so it shrinks."
            elif got_shape == (H - kW + 1, W - kH + 1):
                hint = "Rows and columns swapped: the kernel's height kH runs along the image's rows."
            else:
                hint = "A valid convolution gives (H − kH + 1, W − kW + 1)."
            raise Wrong(f"{name} has shape {got_shape}, expected {expected.shape}. {hint}")
        single = np.asarray(got).dtype == np.float32  # right to float32's rounding is right
        got = np.asarray(got, dtype=float)
        rtol, atol = (1e-5, 1e-5) if single else (1e-6, 1e-8)
        if (close(got, _valid_correlation(x, k[::-1, ::-1]), rtol=rtol, atol=atol)
                and not close(got, expected, rtol=rtol, atol=atol)):
            raise Wrong(f"{name}: these are the values of the mathematicians' convolution, with "
                        "the kernel flipped. Deep-learning libraries do not flip it: Y[h, w] = "
                        "Σ_p Σ_q x[h + p, w + q] · k[p, q].")
        compare(name, got, expected, rtol=rtol, atol=atol,
                hint="Y[h, w] = Σ_p Σ_q x[h + p, w + q] · k[p, q], for p < kH and q < kW.")
    return "It agrees with nnbook.conv.conv2d on square and non-square kernels."


# ---- ex-output-size: the output size --------------------------------------------------------------------

OUTPUT_SIZE_CASES = [  # (n, k, p, s): sizes from the chapter, then strides that do not divide
    (28, 3, 1, 1), (28, 2, 0, 2), (32, 5, 0, 1), (14, 3, 1, 2), (7, 2, 0, 2),
    (6, 3, 1, 2), (28, 5, 2, 3), (10, 4, 0, 3), (9, 3, 0, 4), (5, 5, 0, 1),
]


OUTPUT_SIZE_MISTAKES = [  # (a wrong formula, what to say when the answer follows it everywhere)
    (lambda n, k, p, s: (n + 2 * p - k) // s,
     "One too few: the first window, at position 0, counts too (the + 1)."),
    (lambda n, k, p, s: -(-(n + 2 * p - k) // s) + 1,
     "Rounded up: a window that would stick out past the padded input is not computed, "
     "so round down."),
    (lambda n, k, p, s: (n + p - k) // s + 1,
     "The padding goes on both sides: the padded input has n + 2p pixels."),
    (lambda n, k, p, s: (n - k) // s + 1,
     "The padding is missing: the padded input has n + 2p pixels."),
]


@exercise("ex-output-size")
def output_size(answer):
    name = "output_size(n={}, k={}, p={}, s={})".format
    answers = [ask_for_a_count(answer, name(*case), *case) for case in OUTPUT_SIZE_CASES]
    expected = [conv_output_size(*case) for case in OUTPUT_SIZE_CASES]
    diagnose(answers, OUTPUT_SIZE_CASES, expected, OUTPUT_SIZE_MISTAKES,
             "Count the positions 0, s, 2s, … at which a window of k pixels fits into n + 2p.",
             lambda case: name(*case))
    return "Including strides that do not divide n + 2p − k."


# ---- ex-conv-params: the parameters of a convolution layer -------------------------------------------------

CONV_PARAMS_CASES = [  # (C_in, C_out, k, bias)
    (1, 8, 3, True), (8, 16, 3, True), (3, 16, 5, True), (16, 32, 3, False), (64, 10, 1, True),
]


CONV_PARAMS_MISTAKES = [
    (lambda C_in, C_out, k, bias: C_out * C_in * k * k,
     "The biases are missing: one per output channel (when bias=True)."),
    (lambda C_in, C_out, k, bias: C_out * C_in * k * k + C_out,
     "With bias=False the layer has no biases (as before batch normalisation)."),
    (lambda C_in, C_out, k, bias: C_out * (k * k + bias),
     "Each kernel has a k × k slice for every input channel: C_in · k² weights."),
    (lambda C_in, C_out, k, bias: C_out * C_in * k * k + bias * C_in,
     "One bias per output channel (per kernel), not per input channel."),
    (lambda C_in, C_out, k, bias: (1 + bias) * C_out * C_in * k * k,
     "One bias per kernel, not one per weight."),
]


@exercise("ex-conv-params")
def conv_params(answer):
    def name(case):
        C_in, C_out, k, bias = case
        return f"conv_params(C_in={C_in}, C_out={C_out}, k={k}, bias={bias})"
    answers = [ask_for_a_count(answer, name(case), *case[:3], bias=case[3])
               for case in CONV_PARAMS_CASES]
    expected = [C_out * C_in * k * k + (C_out if bias else 0)
                for C_in, C_out, k, bias in CONV_PARAMS_CASES]
    diagnose(answers, CONV_PARAMS_CASES, expected, CONV_PARAMS_MISTAKES,
             "C_out kernels of C_in × k × k weights, plus one bias per kernel when bias=True.",
             name)
    return "The same counts as torchinfo gives for nn.Conv2d layers."


# ---- ex-pool-backward: the gradient of max-pooling ----------------------------------------------

def _pool_cases():
    """(x, dy) pairs: random maps, then maps with ties (zeros after a ReLU, a constant map)."""
    rng = np.random.default_rng(7)
    cases = [(np.array([[0.1, 0.7], [0.3, 0.7]]), np.array([[2.0]]))]       # the concept question
    for H, W in [(4, 4), (6, 8), (2, 6)]:
        cases.append((rng.normal(size=(H, W)), rng.normal(size=(H // 2, W // 2))))
    # a tie between (0, 1) and (1, 0) only: reading order (row by row) picks (0, 1), column order (1, 0)
    cases.append((np.array([[0.1, 0.9, 0.5, 0.2], [0.9, 0.3, 0.2, 0.5]]), np.array([[1.5, -2.0]])))
    relu_map = np.maximum(rng.normal(size=(6, 6)), 0.0)
    cases.append((relu_map, rng.normal(size=(3, 3))))
    cases.append((np.zeros((4, 4)), rng.normal(size=(2, 2))))
    return cases


def _pool_reference(x, dy):
    return max_pool2d_backward(dy[None, None], x[None, None], 2)[0, 0]


@exercise("ex-pool-backward")
def max_pool_backward_single(answer):
    for x, dy in _pool_cases():
        name = f"max_pool_backward_single(x, dy) for x of shape {x.shape}"
        expected = _pool_reference(x, dy)
        got = call(answer, x.copy(), dy.copy())
        if got is None:
            raise Wrong(f"{name} returned None: did the function forget to return dx?")
        if np.shape(got) != x.shape:
            raise Wrong(f"{name} has shape {np.shape(got)}, expected {x.shape}: dx has the shape of "
                        "the pooling's input x, not of its output.")
        ups = np.kron(dy, np.ones((2, 2)))                        # dy copied to every entry
        is_max = x == np.kron(x.reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).max(axis=(1, 3)),
                              np.ones((2, 2)))                     # every entry equal to its block's max
        ties = is_max.reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).sum(axis=(1, 3))
        if close(got, ups / 4):
            raise Wrong(f"{name}: each entry got a quarter of its block's gradient. That is average "
                        "pooling's gradient; max-pooling passes the whole gradient to the maximum only.")
        if close(got, ups):
            raise Wrong(f"{name}: every entry of a block got the block's whole gradient. Only the "
                        "maximum affects the output: the others get 0.")
        if close(got, ups * is_max) and not close(got, expected):
            raise Wrong(f"{name}: in a tie every maximum got the whole gradient, which counts it "
                        "several times. Give it to one winner, the first maximum in reading order.")
        if close(got, ups * is_max / np.kron(ties, np.ones((2, 2)))) and not close(got, expected):
            raise Wrong(f"{name}: the gradient was split between tied maxima. A fine rule, but not "
                        "PyTorch's: it gives the whole gradient to the first maximum in reading order "
                        "(np.argmax of the flattened block).")
        column_order = _pool_reference(x.T.copy(), dy.T.copy()).T    # the first maximum column by column
        if close(got, column_order) and not close(got, expected):
            raise Wrong(f"{name}: in a tie the gradient went to the first maximum column by column "
                        "(column-major order). PyTorch takes the first in reading order, row by row: "
                        "np.argmax of the block flattened row-major, as np.unravel_index expects.")
        compare(name, got, expected, hint="Each 2×2 block passes dy[h, w] to its largest entry "
                "(the first one, row by row, in a tie) and 0 to the other three.")
    return "It passes each block's gradient to the block's first maximum, as PyTorch does."
