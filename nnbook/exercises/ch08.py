"""Answer checks for Chapter 8's exercises (CNNs in PyTorch), keyed by the exercises' labels.

ex-receptive-field `receptive_field(layers)`: the receptive field after a stack of (kernel, stride) layers.
ex-one-by-one `conv1x1(X, W, b)`: a 1x1 convolution as one matrix product over the channels.
"""
import numpy as np

from ._core import Wrong, ask_for_a_count, call, close, compare, diagnose, exercise


# ---- ex-receptive-field ---------------------------------------------------------------------------

def _receptive_field(layers):
    """r_l = r_{l-1} + (k_l - 1) j_{l-1}, j_l = j_{l-1} s_l, r_0 = j_0 = 1."""
    r, j = 1, 1
    for k, s in layers:
        r, j = r + (k - 1) * j, j * s
    return r


RECEPTIVE_CASES = [  # lists of (kernel size, stride), from the input up
    [(3, 1)],
    [(3, 1), (3, 1)],
    [(3, 1), (2, 2), (3, 1), (2, 2)],                    # tutorial 000's CNN: 10
    [(3, 1), (2, 2), (3, 1), (2, 2), (3, 1), (2, 2)],    # the better CNN: 22
    [(5, 2), (3, 2), (3, 1)],
    [(7, 2), (3, 2), (1, 1), (3, 1)],                    # a 1x1 convolution adds nothing
    [(2, 2), (2, 2), (2, 2)],
]

RECEPTIVE_MISTAKES = [
    (lambda *layers: 1 + sum(k - 1 for k, _ in layers),
     "Strides are ignored: after a stride (or a pooling) of 2, neighbouring units are 2 input "
     "pixels apart, so the next kernel's k − 1 extra units cover (k − 1)·j pixels."),
    (lambda *layers: _jump_after(layers),
     "Each layer's growth uses the jump of the layer below it, j_{l−1}, before this layer's own "
     "stride multiplies it."),
    (lambda *layers: int(np.prod([k for k, _ in layers])),
     "Receptive fields grow by adding (k − 1)·j per layer, not by multiplying the kernel sizes."),
]


def _jump_after(layers):
    """A common mistake: multiply the jump by the layer's own stride before adding its growth."""
    r, j = 1, 1
    for k, s in layers:
        j = j * s
        r = r + (k - 1) * j
    return r


@exercise("ex-receptive-field")
def receptive_field(answer):
    def name(layers):
        return f"receptive_field({layers})"
    answers = [ask_for_a_count(answer, name(layers), list(layers)) for layers in RECEPTIVE_CASES]
    expected = [_receptive_field(layers) for layers in RECEPTIVE_CASES]
    diagnose(answers, [tuple(layers) for layers in RECEPTIVE_CASES], expected, RECEPTIVE_MISTAKES,
             "r starts at 1 and grows by (k − 1) · j at each layer, where j, the distance in input "
             "pixels between neighbouring units below, is multiplied by each layer's stride.",
             lambda layers: name(list(layers)))
    return "It gives 10 for tutorial 000's CNN and 22 for the better CNN, as the chapter found."


# ---- ex-one-by-one ---------------------------------------------------------------------------

def _conv1x1_cases():
    rng = np.random.default_rng(8)
    for n, C_in, C_out, H, W in [(2, 3, 4, 5, 5), (1, 8, 2, 3, 7), (3, 1, 5, 4, 2)]:
        yield (rng.normal(size=(n, C_in, H, W)), rng.normal(size=(C_out, C_in)),
               rng.normal(size=C_out))


@exercise("ex-one-by-one")
def conv1x1(answer):
    import torch  # here, not at the top: importing the checks must not load PyTorch (seconds)
    import torch.nn.functional as F
    for X, W, b in _conv1x1_cases():
        name = f"conv1x1(X, W, b) for X of shape {X.shape} and W of shape {W.shape}"
        expected = F.conv2d(torch.from_numpy(X), torch.from_numpy(W[:, :, None, None]),
                            torch.from_numpy(b)).numpy()
        got = call(answer, X.copy(), W.copy(), b.copy())
        if isinstance(got, torch.Tensor):
            got = got.detach().cpu().numpy()
        if got is None:
            raise Wrong(f"{name} returned None: did the function forget to return Y?")
        n, C_out, H, Wd = expected.shape
        if np.shape(got) == (n, H, Wd, C_out):
            raise Wrong(f"{name} has shape {np.shape(got)}, channels last: move the channel axis "
                        f"back to position 1, (n, C_out, H, W) = {expected.shape}.")
        # a float32 answer (e.g. computed with torch's default dtype) is right to float32's rounding
        single = getattr(got, "dtype", None) == np.float32
        rtol, atol = (1e-5, 1e-5) if single else (1e-6, 1e-8)
        if close(got, expected - b.reshape(1, -1, 1, 1), rtol=rtol, atol=atol):
            raise Wrong(f"{name}: the bias is missing (one per output channel).")
        compare(name, got, expected, rtol=rtol, atol=atol,
                hint="Y[i, o, h, w] = b[o] + Σ_c W[o, c] · X[i, c, h, w]: the same "
                "dense layer applied to each pixel's vector of channels.")
    return "It equals torch.nn.functional.conv2d with 1×1 kernels."
