"""Tests of nnbook.conv: the NumPy convolution, its gradient, max-pooling and its gradient against PyTorch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnbook.conv import conv2d, conv2d_backward, conv_output_size, max_pool2d, max_pool2d_backward


def numerical_gradient(f, x, eps=1e-6):
    """Central differences of f() with respect to each entry of x (changed in place, then restored)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f()
        x[i] = old - eps
        down = f()
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad

# (n, C_in, C_out, H, W, kH, kW, stride, padding): square and not, strides that do and do not divide
CASES = [
    (2, 1, 3, 8, 8, 3, 3, 1, 0),
    (2, 3, 4, 9, 7, 3, 2, 2, 1),
    (1, 2, 2, 6, 6, 5, 5, 1, 2),
    (3, 4, 1, 10, 11, 3, 3, 3, 0),
    (1, 1, 1, 5, 5, 5, 5, 1, 0),   # kernel as large as the image: one output pixel
    (2, 2, 3, 7, 7, 1, 1, 2, 0),   # 1x1 kernel with stride
]


def random_case(case, seed=0, dtype=np.float64):
    n, C_in, C_out, H, W, kH, kW, stride, padding = case
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, C_in, H, W)).astype(dtype)
    K = rng.normal(size=(C_out, C_in, kH, kW)).astype(dtype)
    b = rng.normal(size=C_out).astype(dtype)
    return X, K, b, stride, padding


@pytest.mark.parametrize("case", CASES)
def test_conv2d_equals_torch(case):
    # the NumPy layer computes what torch.nn.functional.conv2d computes, bias included
    X, K, b, stride, padding = random_case(case)
    ours = conv2d(X, K, b, stride=stride, padding=padding)
    theirs = F.conv2d(torch.from_numpy(X), torch.from_numpy(K), torch.from_numpy(b), stride=stride,
                      padding=padding).numpy()
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES)
def test_output_size_formula_predicts_torch_shape(case):
    # the formula gives the height and width that PyTorch's layer really produces
    n, C_in, C_out, H, W, kH, kW, stride, padding = case
    layer = torch.nn.Conv2d(C_in, C_out, (kH, kW), stride=stride, padding=padding)
    shape = layer(torch.zeros(n, C_in, H, W)).shape
    assert (conv_output_size(H, kH, padding, stride), conv_output_size(W, kW, padding, stride)) == shape[2:]


@pytest.mark.parametrize("case", CASES)
def test_conv2d_backward_equals_autograd(case):
    # dX, dK and db equal torch.autograd's gradients of sum(G * Y) for a random G
    X, K, b, stride, padding = random_case(case)
    Xt, Kt, bt = (torch.tensor(a, requires_grad=True) for a in (X, K, b))
    Y = F.conv2d(Xt, Kt, bt, stride=stride, padding=padding)
    G = torch.randn(Y.shape, dtype=Y.dtype, generator=torch.Generator().manual_seed(1))
    (Y * G).sum().backward()
    dX, dK, db = conv2d_backward(G.numpy(), X, K, stride=stride, padding=padding)
    for ours, theirs in ((dX, Xt.grad), (dK, Kt.grad), (db, bt.grad)):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-10, atol=1e-12)


def test_conv2d_backward_matches_finite_differences():
    # independent of PyTorch: central differences of L = sum(G * conv2d(X, K, b)) agree
    X, K, b, stride, padding = random_case((1, 2, 2, 5, 5, 3, 3, 2, 1), seed=3)
    G = np.random.default_rng(4).normal(size=conv2d(X, K, b, stride, padding).shape)
    dX, dK, db = conv2d_backward(G, X, K, stride, padding)
    numeric_K = numerical_gradient(lambda: float((G * conv2d(X, K, b, stride, padding)).sum()), K)
    numeric_X = numerical_gradient(lambda: float((G * conv2d(X, K, b, stride, padding)).sum()), X)
    numeric_b = numerical_gradient(lambda: float((G * conv2d(X, K, b, stride, padding)).sum()), b)
    for ours, numeric in ((dK, numeric_K), (dX, numeric_X), (db, numeric_b)):
        np.testing.assert_allclose(ours, numeric, rtol=1e-6, atol=1e-8)


def test_a_zero_gradient_gives_zero_gradients():
    # nothing flows back when the loss does not depend on the output
    X, K, b, stride, padding = random_case(CASES[1])
    dY = np.zeros_like(conv2d(X, K, b, stride, padding))
    assert all(not g.any() for g in conv2d_backward(dY, X, K, stride, padding))


def test_float32_stays_float32():
    # a float32 network is not silently upcast to float64
    X, K, b, stride, padding = random_case(CASES[0], dtype=np.float32)
    Y = conv2d(X, K, b, stride, padding)
    assert Y.dtype == np.float32
    assert all(g.dtype == np.float32 for g in conv2d_backward(np.ones_like(Y), X, K, stride, padding))


@pytest.mark.parametrize("shape, size", [((2, 3, 8, 8), 2), ((1, 2, 7, 9), 2), ((2, 1, 9, 9), 3)])
def test_max_pool2d_equals_torch(shape, size):
    # the largest value of each block, odd leftover rows and columns dropped as in PyTorch
    X = np.random.default_rng(0).normal(size=shape)
    np.testing.assert_array_equal(max_pool2d(X, size), F.max_pool2d(torch.from_numpy(X), size).numpy())


POOL_CASES = [((2, 3, 8, 8), 2), ((1, 2, 7, 9), 2), ((2, 1, 9, 9), 3), ((1, 1, 4, 6), 1)]


def autograd_pool_gradient(X, size, G):
    """torch's dX of sum(G * max_pool2d(X, size))."""
    Xt = torch.tensor(X, requires_grad=True)
    (F.max_pool2d(Xt, size) * torch.from_numpy(G)).sum().backward()
    return Xt.grad.numpy()


@pytest.mark.parametrize("shape, size", POOL_CASES)
def test_max_pool2d_backward_equals_autograd(shape, size):
    # each block's gradient goes to its maximum; leftover rows and columns get 0, as in PyTorch
    rng = np.random.default_rng(5)
    X = rng.normal(size=shape)
    G = rng.normal(size=max_pool2d(X, size).shape)
    np.testing.assert_array_equal(max_pool2d_backward(G, X, size), autograd_pool_gradient(X, size, G))


@pytest.mark.parametrize("shape, size", POOL_CASES)
def test_max_pool2d_backward_breaks_ties_as_torch(shape, size):
    # after a ReLU many entries of a block are 0: the gradient goes to the first one, as in PyTorch
    rng = np.random.default_rng(6)
    X = np.maximum(rng.normal(size=shape), 0.0)
    X[0, 0] = 0.0  # a whole map of ties
    G = rng.normal(size=max_pool2d(X, size).shape)
    np.testing.assert_array_equal(max_pool2d_backward(G, X, size), autograd_pool_gradient(X, size, G))


def test_max_pool2d_backward_matches_finite_differences():
    # independent of PyTorch: central differences of L = sum(G * max_pool2d(X)), no ties within eps
    rng = np.random.default_rng(7)
    X = rng.permutation(np.arange(2 * 3 * 6 * 7, dtype=float)).reshape(2, 3, 6, 7) / 10
    G = rng.normal(size=max_pool2d(X, 2).shape)
    numeric = numerical_gradient(lambda: float((G * max_pool2d(X, 2)).sum()), X)
    np.testing.assert_allclose(max_pool2d_backward(G, X, 2), numeric, rtol=1e-6, atol=1e-8)


def test_max_pool2d_backward_passes_each_gradient_once():
    # the gradients of a block add up to the block's dY: nothing is lost or copied
    rng = np.random.default_rng(8)
    X = rng.normal(size=(2, 2, 6, 6)).astype(np.float32)
    G = rng.normal(size=(2, 2, 3, 3)).astype(np.float32)
    dX = max_pool2d_backward(G, X, 2)
    assert dX.dtype == np.float32
    np.testing.assert_allclose(dX.reshape(2, 2, 3, 2, 3, 2).sum(axis=(3, 5)), G, rtol=1e-6)
    assert np.count_nonzero(dX) == G.size


X4 = np.zeros((1, 2, 5, 5))
K4 = np.zeros((3, 2, 3, 3))


@pytest.mark.parametrize("call, error, message", [
    (lambda: conv2d(np.zeros((2, 5, 5)), K4), ValueError, r"X must be 4-D \(n, C_in, H, W\), got shape \(2, 5, 5\)"),
    (lambda: conv2d(X4, np.zeros((2, 3, 3))), ValueError, r"K must be 4-D \(C_out, C_in, kH, kW\)"),
    (lambda: conv2d([[1.0]], K4), TypeError, "X must be a NumPy array, got list"),
    (lambda: conv2d(X4, np.zeros((3, 1, 3, 3))), ValueError, "X has 2 channels but K expects C_in = 1"),
    (lambda: conv2d(X4, np.zeros((3, 2, 7, 7))), ValueError,
     r"kernel_size must fit in the padded input: kernel_size=7 > size \+ 2 \* padding = 5"),
    (lambda: conv2d(X4, np.zeros((3, 2, 8, 8)), padding=1), ValueError, "kernel_size=8 > size .* = 7"),
    (lambda: conv2d(X4, K4, stride=0), ValueError, "stride must be a positive int, got 0"),
    (lambda: conv2d(X4, K4, stride=-2), ValueError, "stride must be a positive int, got -2"),
    (lambda: conv2d(X4, K4, stride=1.5), TypeError, "stride must be a positive int, got float"),
    (lambda: conv2d(X4, K4, padding=-1), ValueError, "padding must be a non-negative int, got -1"),
    (lambda: conv2d(X4, K4, padding=1.0), TypeError, "padding must be a non-negative int, got float"),
    (lambda: conv2d(X4, K4, b=np.zeros(2)), ValueError, r"b must have shape \(C_out,\) = \(3,\), got \(2,\)"),
    (lambda: conv2d_backward(np.zeros((1, 3, 4, 4)), X4, K4), ValueError,
     r"dY must have the output's shape \(1, 3, 3, 3\), got \(1, 3, 4, 4\)"),
    (lambda: conv2d_backward(np.zeros((1, 3, 3)), X4, K4), ValueError, "dY must be 4-D"),
    (lambda: conv_output_size(28, 3, padding=1, stride=0), ValueError, "stride must be a positive int"),
    (lambda: conv_output_size(0, 3), ValueError, "size must be a positive int, got 0"),
    (lambda: conv_output_size(4, 7, padding=1), ValueError, "kernel_size must fit in the padded input"),
    (lambda: max_pool2d(np.zeros((1, 1, 3, 3)), size=4), ValueError, r"size must fit in the image: size=4 > min\(H, W\) = 3"),
    (lambda: max_pool2d(np.zeros((3, 3)), size=2), ValueError, r"X must be 4-D \(n, C, H, W\)"),
    (lambda: max_pool2d(np.zeros((1, 1, 4, 4)), size=0), ValueError, "size must be a positive int, got 0"),
    (lambda: max_pool2d_backward(np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 4, 4)), size=0), ValueError,
     "size must be a positive int, got 0"),
    (lambda: max_pool2d_backward(np.zeros((1, 1, 2, 2)), np.zeros((1, 1, 4, 4)), size=2.0), TypeError,
     "size must be a positive int, got float"),
    (lambda: max_pool2d_backward(np.zeros((1, 1, 1, 1)), np.zeros((1, 1, 3, 3)), size=4), ValueError,
     r"size must fit in the image: size=4 > min\(H, W\) = 3"),
    (lambda: max_pool2d_backward(np.zeros((1, 1, 2, 2)), np.zeros((4, 4)), size=2), ValueError,
     r"X must be 4-D \(n, C, H, W\)"),
    (lambda: max_pool2d_backward(np.zeros((2, 2)), np.zeros((1, 1, 4, 4)), size=2), ValueError,
     r"dY must be 4-D \(n, C, H_out, W_out\)"),
    (lambda: max_pool2d_backward(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 4, 4)), size=2), ValueError,
     r"dY must have the pooled output's shape \(1, 1, 2, 2\), got \(1, 1, 4, 4\)"),
    (lambda: max_pool2d_backward([[0.0]], np.zeros((1, 1, 4, 4)), size=2), TypeError,
     "dY must be a NumPy array, got list"),
])
def test_bad_input_names_the_rule_and_the_value(call, error, message):
    # wrong ranks, a kernel larger than the padded input, non-positive strides, mismatched shapes
    with pytest.raises(error, match=message):
        call()
