"""Chapter 6's answer checks: each accepts the reference solution, rejects plausible wrong answers
with a message that says what is wrong."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from nnbook.exercises import check


# ---- ex-conv2d-single -----------------------------------------------------------------------

def conv2d_single(x, k):
    """The chapter's reference: loops over output positions."""
    (H, W), (kH, kW) = x.shape, k.shape
    Y = np.zeros((H - kH + 1, W - kW + 1))
    for h in range(H - kH + 1):
        for w in range(W - kW + 1):
            Y[h, w] = np.sum(x[h:h + kH, w:w + kW] * k)
    return Y


def test_conv2d_single_reference_passes():
    assert check("ex-conv2d-single", conv2d_single)


def test_conv2d_single_torch_passes():
    # PyTorch's conv2d is a cross-correlation: it must pass
    def with_torch(x, k):
        return F.conv2d(torch.from_numpy(x)[None, None], torch.from_numpy(k)[None, None])[0, 0].numpy()
    assert check("ex-conv2d-single", with_torch)


def test_conv2d_single_flipped_kernel_is_named_as_true_convolution():
    # the mathematicians' convolution flips the kernel: the check says so
    feedback = check("ex-conv2d-single", lambda x, k: conv2d_single(x, k[::-1, ::-1]))
    assert not feedback and "flipped" in feedback.message


def test_conv2d_single_off_by_one_output_size_is_explained():
    # range(H - kH) instead of range(H - kH + 1): one row and column short
    def short(x, k):
        return conv2d_single(x, k)[:-1, :-1]
    feedback = check("ex-conv2d-single", short)
    assert not feedback and "shape" in feedback.message and "H − k + 1" in feedback.message


def test_conv2d_single_swapped_kernel_axes_are_caught():
    # using k.T only shows with non-square kernels
    feedback = check("ex-conv2d-single", lambda x, k: conv2d_single(x, k.T))
    assert not feedback and "swapped" in feedback.message


def test_conv2d_single_same_padding_is_caught():
    def padded(x, k):
        top, left = (k.shape[0] - 1) // 2, (k.shape[1] - 1) // 2
        x = np.pad(x, ((top, k.shape[0] - 1 - top), (left, k.shape[1] - 1 - left)))
        return conv2d_single(x, k)
    feedback = check("ex-conv2d-single", padded)
    assert not feedback and "no padding" in feedback.message


def test_conv2d_single_wrong_values_name_the_first_difference():
    feedback = check("ex-conv2d-single", lambda x, k: conv2d_single(x, k) + 0.5)
    assert not feedback and "differs at index" in feedback.message


# ---- ex-output-size -------------------------------------------------------------------------

def output_size(n, k, p, s):
    return (n + 2 * p - k) // s + 1


def test_output_size_reference_passes():
    assert check("ex-output-size", output_size)


def test_output_size_true_division_returns_a_float():
    feedback = check("ex-output-size", lambda n, k, p, s: (n + 2 * p - k) / s + 1)
    assert not feedback and "whole" in feedback.message and "//" in feedback.message


def test_output_size_rounding_up_is_caught_on_a_stride_that_does_not_divide():
    feedback = check("ex-output-size", lambda n, k, p, s: math.ceil((n + 2 * p - k) / s) + 1)
    assert not feedback and "Rounded up" in feedback.message


def test_output_size_forgetting_the_plus_one():
    feedback = check("ex-output-size", lambda n, k, p, s: (n + 2 * p - k) // s)
    assert not feedback and "+ 1" in feedback.message


def test_output_size_padding_on_one_side_only():
    feedback = check("ex-output-size", lambda n, k, p, s: (n + p - k) // s + 1)
    assert not feedback and "both sides" in feedback.message


# ---- ex-conv-params -------------------------------------------------------------------------

def conv_params(C_in, C_out, k, bias=True):
    return C_out * (C_in * k * k + (1 if bias else 0))


def test_conv_params_reference_passes_and_agrees_with_torch():
    assert check("ex-conv-params", conv_params)
    layer = nn.Conv2d(3, 16, 5)
    assert conv_params(3, 16, 5) == sum(p.numel() for p in layer.parameters())


@pytest.mark.parametrize("wrong, words", [
    (lambda C_in, C_out, k, bias=True: C_out * C_in * k * k, "biases are missing"),
    (lambda C_in, C_out, k, bias=True: C_out * (k * k + bias), "every input channel"),
    (lambda C_in, C_out, k, bias=True: C_out * C_in * k * k + bias * C_in, "per output channel"),
    (lambda C_in, C_out, k, bias=True: C_out * (C_in * k * k + 1), "bias=False"),
])
def test_conv_params_plausible_wrong_counts_are_explained(wrong, words):
    feedback = check("ex-conv-params", wrong)
    assert not feedback and words in feedback.message


