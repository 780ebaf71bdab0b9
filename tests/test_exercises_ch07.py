"""Chapter 7's answer checks: each accepts the reference solution, rejects plausible wrong answers
with a message that says what is wrong, and calls a stub "not answered yet"."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from nnbook.exercises import check


def stub(*args, **kwargs):
    raise NotImplementedError("write your code here")


# ---- ex-conv2d-single conv2d_single -----------------------------------------------------------------------

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


def test_conv2d_single_in_float32_passes():
    # a correct answer computed in float32 is right to float32's rounding
    def in_float32(x, k):
        x, k = x.astype(np.float32), k.astype(np.float32)
        (H, W), (kH, kW) = x.shape, k.shape
        Y = np.zeros((H - kH + 1, W - kW + 1), dtype=np.float32)
        for h in range(H - kH + 1):
            for w in range(W - kW + 1):
                Y[h, w] = np.sum(x[h:h + kH, w:w + kW] * k)
        return Y
    assert check("ex-conv2d-single", in_float32)


def test_conv2d_single_stub_is_not_answered_yet():
    assert "not answered yet" in check("ex-conv2d-single", stub).message


# ---- ex-output-size output_size -------------------------------------------------------------------------

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


def test_output_size_stub_is_not_answered_yet():
    assert "not answered yet" in check("ex-output-size", stub).message


# ---- ex-conv-params conv_params -------------------------------------------------------------------------

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


def test_conv_params_whole_number_as_a_float_passes():
    # 80.0 is the right count written as a float (e.g. from a product with a float): accepted
    assert check("ex-conv-params", lambda C_in, C_out, k, bias=True: float(conv_params(C_in, C_out, k, bias)))
    assert check("ex-conv-params", lambda C_in, C_out, k, bias=True: np.float64(conv_params(C_in, C_out, k, bias)))


def test_conv_params_a_count_that_is_not_whole_is_refused():
    feedback = check("ex-conv-params", lambda C_in, C_out, k, bias=True: conv_params(C_in, C_out, k, bias) + 0.5)
    assert not feedback and "not a whole number" in feedback.message


def test_conv_params_stub_is_not_answered_yet():
    assert "not answered yet" in check("ex-conv-params", stub).message


# ---- ex-pool-backward max_pool_backward_single ----------------------------------------------------

def max_pool_backward_single(x, dy):
    """The chapter's reference: loops over blocks, the whole gradient to the first maximum."""
    dx = np.zeros_like(x, dtype=float)
    for h in range(x.shape[0] // 2):
        for w in range(x.shape[1] // 2):
            block = x[2 * h:2 * h + 2, 2 * w:2 * w + 2]
            p, q = np.unravel_index(np.argmax(block), (2, 2))
            dx[2 * h + p, 2 * w + q] = dy[h, w]
    return dx


def test_pool_backward_reference_passes():
    assert check("ex-pool-backward", max_pool_backward_single)


def test_pool_backward_torch_passes():
    # autograd through F.max_pool2d is PyTorch's rule, ties included: it must pass
    def with_torch(x, dy):
        xt = torch.tensor(x[None, None], requires_grad=True)
        (F.max_pool2d(xt, 2)[0, 0] * torch.from_numpy(dy)).sum().backward()
        return xt.grad[0, 0].numpy()
    assert check("ex-pool-backward", with_torch)


def test_pool_backward_average_pooling_gradient_is_named():
    # a quarter of the gradient to each entry is average pooling's gradient
    feedback = check("ex-pool-backward", lambda x, dy: np.kron(dy, np.ones((2, 2))) / 4)
    assert not feedback and "average" in feedback.message


def test_pool_backward_gradient_to_every_entry_is_caught():
    feedback = check("ex-pool-backward", lambda x, dy: np.kron(dy, np.ones((2, 2))))
    assert not feedback and "Only the maximum" in feedback.message


def all_maxima(x, dy):
    """Every entry equal to its block's maximum gets the whole gradient (wrong in a tie)."""
    block_max = np.kron(x.reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).max(axis=(1, 3)), np.ones((2, 2)))
    return np.kron(dy, np.ones((2, 2))) * (x == block_max)


def test_pool_backward_ties_to_every_maximum_are_caught():
    # right on random maps, wrong at the first tie
    feedback = check("ex-pool-backward", all_maxima)
    assert not feedback and "counts it several times" in feedback.message


def test_pool_backward_ties_split_are_named():
    def split(x, dy):
        winners = all_maxima(x, np.ones_like(dy)) > 0
        ties = np.kron(winners.reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).sum(axis=(1, 3)), np.ones((2, 2)))
        return np.kron(dy, np.ones((2, 2))) * winners / ties
    feedback = check("ex-pool-backward", split)
    assert not feedback and "split between tied maxima" in feedback.message


def test_pool_backward_last_maximum_in_a_tie_is_caught():
    # the last maximum instead of the first: the check names the first entry that differs
    def last(x, dy):
        flipped = max_pool_backward_single(x[::-1, ::-1], dy[::-1, ::-1])
        return flipped[::-1, ::-1]
    feedback = check("ex-pool-backward", last)
    assert not feedback and "differs at index" in feedback.message


def test_pool_backward_column_major_tie_break_is_named():
    # the first maximum column by column: right on random maps, wrong where (0, 1) and (1, 0) tie
    def column_major(x, dy):
        return max_pool_backward_single(x.T.copy(), dy.T.copy()).T
    feedback = check("ex-pool-backward", column_major)
    assert not feedback and "column-major" in feedback.message


def test_pool_backward_output_shape_is_explained():
    feedback = check("ex-pool-backward", lambda x, dy: dy)
    assert not feedback and "shape of the pooling's input" in feedback.message


def test_pool_backward_stub_is_not_answered_yet():
    assert "not answered yet" in check("ex-pool-backward", stub).message


def test_conv2d_single_torch_tensor_that_requires_grad_passes():
    # a correct answer computed with PyTorch, still attached to autograd: checked, not a crash
    def with_torch(x, k):
        X = torch.from_numpy(x).float()[None, None].requires_grad_()
        return F.conv2d(X, torch.from_numpy(k).float()[None, None])[0, 0]
    assert check("ex-conv2d-single", with_torch)


def test_conv2d_single_flipped_kernel_in_float32_is_named():
    def flipped_float32(x, k):
        return conv2d_single(x, k[::-1, ::-1].copy()).astype(np.float32)
    feedback = check("ex-conv2d-single", flipped_float32)
    assert not feedback and "flipped" in feedback.message


def test_conv_params_one_number_in_a_0d_array_passes():
    # np.array(80) or torch.tensor(80): one number, accepted as the count
    assert check("ex-conv-params", lambda C_in, C_out, k, bias=True: np.array(conv_params(C_in, C_out, k, bias)))
    assert check("ex-conv-params", lambda C_in, C_out, k, bias=True: torch.tensor(conv_params(C_in, C_out, k, bias)))


def test_conv_params_an_array_of_several_numbers_is_refused():
    feedback = check("ex-conv-params", lambda C_in, C_out, k, bias=True: np.array([conv_params(C_in, C_out, k, bias)] * 2))
    assert not feedback and "one number" in feedback.message
