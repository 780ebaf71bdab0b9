"""Chapter 8's answer checks: each accepts the reference solution, rejects plausible wrong answers
with a message that says what is wrong, and calls a stub "not answered yet"."""
import numpy as np
import torch
import torch.nn.functional as F

from nnbook.exercises import check


def stub(*args, **kwargs):
    raise NotImplementedError("write your code here")


# ---- ex-receptive-field ----------------------------------------------------------------------------

def receptive_field(layers):
    """The chapter's reference: r grows by (k - 1) j, j by the stride."""
    r, j = 1, 1
    for k, s in layers:
        r, j = r + (k - 1) * j, j * s
    return r


def test_receptive_field_reference_passes():
    assert check("ex-receptive-field", receptive_field)


def test_receptive_field_ignoring_strides_is_named():
    feedback = check("ex-receptive-field", lambda layers: 1 + sum(k - 1 for k, _ in layers))
    assert not feedback and "Strides are ignored" in feedback.message


def test_receptive_field_own_stride_first_is_named():
    def own_stride_first(layers):
        r, j = 1, 1
        for k, s in layers:
            j *= s
            r += (k - 1) * j
        return r
    feedback = check("ex-receptive-field", own_stride_first)
    assert not feedback and "jump of the layer below" in feedback.message


def test_receptive_field_product_is_named():
    feedback = check("ex-receptive-field", lambda layers: int(np.prod([k for k, _ in layers])))
    assert not feedback and "not by multiplying" in feedback.message


def test_receptive_field_whole_number_as_a_float_passes():
    # 22.0 is the right answer written as a float: accepted
    assert check("ex-receptive-field", lambda layers: float(receptive_field(layers)))


def test_receptive_field_a_float_that_is_not_whole_is_refused():
    feedback = check("ex-receptive-field", lambda layers: receptive_field(layers) + 0.5)
    assert not feedback and "not a whole number" in feedback.message


def test_receptive_field_stub_is_not_answered_yet():
    assert "not answered yet" in check("ex-receptive-field", stub).message


# ---- ex-one-by-one ----------------------------------------------------------------------------

def conv1x1(X, W, b):
    """The chapter's reference: one matrix product over the channel axis."""
    return np.einsum("oc,nchw->nohw", W, X) + b.reshape(1, -1, 1, 1)


def test_conv1x1_reference_passes():
    assert check("ex-one-by-one", conv1x1)


def test_conv1x1_torch_tensor_answer_passes():
    # an answer computed with torch (a tensor) is accepted too
    def with_torch(X, W, b):
        return F.conv2d(torch.from_numpy(X), torch.from_numpy(W)[:, :, None, None], torch.from_numpy(b))
    assert check("ex-one-by-one", with_torch)


def test_conv1x1_channels_last_is_named():
    feedback = check("ex-one-by-one", lambda X, W, b: conv1x1(X, W, b).transpose(0, 2, 3, 1))
    assert not feedback and "channels last" in feedback.message


def test_conv1x1_missing_bias_is_named():
    feedback = check("ex-one-by-one", lambda X, W, b: conv1x1(X, W, 0 * b))
    assert not feedback and "bias is missing" in feedback.message


def test_conv1x1_transposed_weights_fail():
    # W[c, o] instead of W[o, c]: a shape error or wrong values, named by the check
    feedback = check("ex-one-by-one", lambda X, W, b: np.einsum("co,nchw->nohw", W, X) + b.reshape(1, -1, 1, 1))
    assert not feedback


def test_conv1x1_stub_is_not_answered_yet():
    assert "not answered yet" in check("ex-one-by-one", stub).message


def test_conv1x1_in_float32_passes():
    # a correct answer computed in float32 (NumPy or torch's default dtype) is accepted
    def in_float32(X, W, b):
        return np.einsum("oc,nchw->nohw", W.astype(np.float32), X.astype(np.float32)) + b.astype(np.float32).reshape(1, -1, 1, 1)
    assert check("ex-one-by-one", in_float32)
    assert check("ex-one-by-one", lambda X, W, b: F.conv2d(torch.from_numpy(X).float(),
                                                           torch.from_numpy(W[:, :, None, None]).float(),
                                                           torch.from_numpy(b).float()))


def test_conv1x1_float32_with_a_wrong_bias_is_still_refused():
    def wrong(X, W, b):
        return (np.einsum("oc,nchw->nohw", W, X) + 2 * b.reshape(1, -1, 1, 1)).astype(np.float32)
    assert not check("ex-one-by-one", wrong)


def test_conv1x1_float32_without_the_bias_names_the_bias():
    def no_bias_float32(X, W, b):
        return np.einsum("oc,nchw->nohw", W.astype(np.float32), X.astype(np.float32))
    feedback = check("ex-one-by-one", no_bias_float32)
    assert not feedback and "bias is missing" in feedback.message
