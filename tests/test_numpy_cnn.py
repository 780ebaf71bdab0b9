"""Tests of nnbook.numpy_cnn: batch normalisation and the small NumPy CNN against PyTorch and autograd."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnbook.gradcheck import numerical_gradient
from nnbook.numpy_cnn import ConvNet, batch_norm, batch_norm_backward, train
from nnbook.optimizers import Adam

BN_SHAPES = [(4, 3, 5, 5), (2, 2, 3, 7), (8, 5), (3, 1, 2, 2)]


def bn_case(shape, seed=0):
    rng = np.random.default_rng(seed)
    C = shape[1]
    X = rng.normal(2.0, 3.0, size=shape)   # a mean and a scale far from 0 and 1
    return X, rng.normal(size=C), rng.normal(size=C)


@pytest.mark.parametrize("shape", BN_SHAPES)
def test_batch_norm_equals_torch_in_training_mode(shape):
    # per channel over N x H x W, biased variance + eps: what F.batch_norm(training=True) computes
    X, gamma, beta = bn_case(shape)
    theirs = F.batch_norm(torch.from_numpy(X), None, None, torch.from_numpy(gamma),
                          torch.from_numpy(beta), training=True, eps=1e-5).numpy()
    np.testing.assert_allclose(batch_norm(X, gamma, beta), theirs, rtol=1e-10, atol=1e-12)


def test_batch_norm_output_has_mean_beta_and_std_gamma_per_channel():
    # with the biased variance, each channel of Y has mean beta and standard deviation |gamma| (eps aside)
    X, gamma, beta = bn_case((6, 3, 4, 4))
    Y = batch_norm(X, gamma, beta, eps=1e-12)
    np.testing.assert_allclose(Y.mean(axis=(0, 2, 3)), beta, atol=1e-12)
    np.testing.assert_allclose(Y.std(axis=(0, 2, 3)), np.abs(gamma), rtol=1e-9)


@pytest.mark.parametrize("shape", BN_SHAPES)
def test_batch_norm_backward_equals_autograd(shape):
    # dX (all three terms), dgamma and dbeta equal torch.autograd's gradients of sum(G * Y)
    X, gamma, beta = bn_case(shape, seed=1)
    G = np.random.default_rng(2).normal(size=shape)
    Xt, gt, bt = (torch.tensor(a, requires_grad=True) for a in (X, gamma, beta))
    (F.batch_norm(Xt, None, None, gt, bt, training=True, eps=1e-5) * torch.from_numpy(G)).sum().backward()
    for ours, theirs in zip(batch_norm_backward(G, X, gamma, beta), (Xt.grad, gt.grad, bt.grad)):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-9, atol=1e-11)


def test_batch_norm_backward_matches_finite_differences():
    # independent of PyTorch: central differences of L = sum(G * batch_norm(X, gamma, beta))
    X, gamma, beta = bn_case((3, 2, 3, 3), seed=3)
    G = np.random.default_rng(4).normal(size=X.shape)
    dX, dgamma, dbeta = batch_norm_backward(G, X, gamma, beta)
    for ours, P in ((dX, X), (dgamma, gamma), (dbeta, beta)):
        numeric = numerical_gradient(lambda: float((G * batch_norm(X, gamma, beta)).sum()), P)
        np.testing.assert_allclose(ours, numeric, rtol=1e-5, atol=1e-7)


def test_batch_norm_backward_of_a_constant_upstream_gradient_is_zero():
    # adding c to every Y of a channel cannot be done through X: the mean subtracts it, so dX = 0
    X, gamma, beta = bn_case((4, 3, 2, 2))
    dX, _, dbeta = batch_norm_backward(np.ones_like(X), X, gamma, beta)
    np.testing.assert_allclose(dX, 0.0, atol=1e-12)
    np.testing.assert_allclose(dbeta, 16.0)


X_BN, C_BN = np.zeros((2, 3, 2, 2)), np.ones(3)


@pytest.mark.parametrize("call, error, message", [
    (lambda: batch_norm([[1.0]], C_BN, C_BN), TypeError, "X must be a NumPy array, got list"),
    (lambda: batch_norm(np.zeros((2, 3, 4)), C_BN, C_BN), ValueError,
     r"X must be 2-D \(n, C\) or 4-D \(n, C, H, W\), got shape \(2, 3, 4\)"),
    (lambda: batch_norm(X_BN, np.ones(2), C_BN), ValueError, r"gamma must have shape \(C,\) = \(3,\)"),
    (lambda: batch_norm(X_BN, C_BN, np.ones((3, 1))), ValueError, r"beta must be 1-D \(C,\)"),
    (lambda: batch_norm(X_BN, C_BN, C_BN, eps=0.0), ValueError, "eps must be > 0, got 0"),
    (lambda: batch_norm(X_BN, C_BN, C_BN, eps="1e-5"), TypeError, "eps must be a number, got str"),
    (lambda: batch_norm(np.zeros((1, 3)), C_BN, C_BN), ValueError, "at least 2 numbers per channel"),
    (lambda: batch_norm_backward(np.zeros((2, 3)), X_BN, C_BN, C_BN), ValueError,
     r"dY must have X's shape \(2, 3, 2, 2\), got \(2, 3\)"),
    (lambda: batch_norm_backward(None, X_BN, C_BN, C_BN), TypeError, "dY must be a NumPy array, got NoneType"),
    (lambda: batch_norm_backward(X_BN, X_BN, np.ones(4), C_BN), ValueError, r"gamma must have shape \(C,\)"),
])
def test_batch_norm_bad_input_names_the_rule_and_the_value(call, error, message):
    # wrong ranks and shapes, a non-positive eps, a batch too small for a variance
    with pytest.raises(error, match=message):
        call()


# ---- the small CNN -----------------------------------------------------------------------------

def torch_twin(net):
    """The same network in PyTorch, sharing no memory: conv -> ReLU -> pool -> flatten -> linear."""
    C_out, C_in, k, _ = net.params["K1"].shape
    model = torch.nn.Sequential(torch.nn.Conv2d(C_in, C_out, k, padding=k // 2), torch.nn.ReLU(),
                                torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                                torch.nn.Linear(net.params["W2"].shape[0], net.params["b2"].size))
    model = model.to(torch.float64 if net.dtype == np.float64 else torch.float32)
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(net.params["K1"]))
        model[0].bias.copy_(torch.from_numpy(net.params["b1"]))
        model[4].weight.copy_(torch.from_numpy(net.params["W2"].T))  # torch stores (out, in)
        model[4].bias.copy_(torch.from_numpy(net.params["b2"]))
    return model


def small_batch(seed=0, n=6, shape=(2, 6, 8)):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, *shape)), rng.integers(0, 4, size=n)


def test_convnet_logits_and_loss_equal_torch():
    # forward: the same logits and the same mean cross-entropy as the PyTorch twin
    net = ConvNet(in_shape=(2, 6, 8), channels=3, num_classes=4, dtype="float64", seed=1)
    X, y = small_batch()
    twin = torch_twin(net)
    logits = twin(torch.from_numpy(X))
    np.testing.assert_allclose(net.forward(X), logits.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert net.loss(X, y) == pytest.approx(F.cross_entropy(logits, torch.from_numpy(y)).item(), rel=1e-12)


def test_convnet_gradients_equal_autograd():
    # backward through dense, max-pooling, ReLU and convolution equals torch.autograd, every parameter
    net = ConvNet(in_shape=(2, 6, 8), channels=3, num_classes=4, dtype="float64", seed=2)
    X, y = small_batch(seed=1)
    _, cache = net.forward(X, return_cache=True)
    grads = net.backward(cache, y)
    twin = torch_twin(net)
    F.cross_entropy(twin(torch.from_numpy(X)), torch.from_numpy(y)).backward()
    theirs = {"K1": twin[0].weight.grad, "b1": twin[0].bias.grad,
              "W2": twin[4].weight.grad.T, "b2": twin[4].bias.grad}
    for name in net.params:
        np.testing.assert_allclose(grads[name], theirs[name].numpy(), rtol=1e-10, atol=1e-12)


def test_convnet_gradients_match_finite_differences():
    # independent of PyTorch: central differences of the loss, every parameter
    net = ConvNet(in_shape=(1, 4, 4), channels=2, num_classes=3, dtype="float64", seed=3)
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(4, 1, 4, 4)), rng.integers(0, 3, size=4)
    _, cache = net.forward(X, return_cache=True)
    grads = net.backward(cache, y)
    for name, P in net.params.items():
        numeric = numerical_gradient(lambda: net.loss(X, y), P)
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-8)


def test_train_steps_equal_torch_adam():
    # three epochs of our loop on 4 batches of 3 equal torch.optim.Adam on the same batches, step by step
    net = ConvNet(in_shape=(2, 6, 8), channels=3, num_classes=4, dtype="float64", seed=4)
    X, y = small_batch(seed=2, n=12)
    twin = torch_twin(net)
    optimizer = torch.optim.Adam(twin.parameters(), lr=1e-2)
    rng = np.random.default_rng(7)  # the order train() draws with seed=7
    for _ in range(3):
        order = rng.permutation(len(X))
        for first in range(0, len(X), 3):
            idx = order[first:first + 3]
            loss = F.cross_entropy(twin(torch.from_numpy(X[idx])), torch.from_numpy(y[idx]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    train(net, X, y, lr=1e-2, num_epochs=3, batch_size=3, seed=7)
    np.testing.assert_allclose(net.params["K1"], twin[0].weight.detach().numpy(), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(net.params["W2"], twin[4].weight.detach().numpy().T, rtol=1e-9, atol=1e-11)


def test_train_learns_a_separable_toy_problem():
    # smoke run: a bright left half vs a bright right half, learned in a few epochs; history per epoch
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=80)
    X = rng.normal(0, 0.3, size=(80, 1, 6, 6)).astype(np.float32)
    X[y == 0, :, :, :3] += 1.0
    X[y == 1, :, :, 3:] += 1.0
    net = ConvNet(in_shape=(1, 6, 6), channels=2, num_classes=2, seed=0)
    history = train(net, X, y, lr=1e-2, num_epochs=5, batch_size=16, X_val=X, y_val=y)
    assert set(history) == {"train_loss", "train_acc", "val_acc", "epoch_time"}
    assert all(len(values) == 5 for values in history.values())
    assert history["train_loss"][-1] < history["train_loss"][0]
    assert history["val_acc"][-1] == 1.0
    assert all(P.dtype == np.float32 for P in net.params.values())


def test_parameters_are_counted_as_torch_counts_them():
    # K1: 8 x 1 x 3 x 3 + 8 biases, W2: 8 * 14 * 14 x 10 + 10 biases
    net = ConvNet()
    assert net.num_parameters() == sum(p.numel() for p in torch_twin(net).parameters()) == 80 + 15_690


NET = ConvNet(in_shape=(1, 4, 4), channels=2, num_classes=3)
X_NET, Y_NET = np.zeros((2, 1, 4, 4), dtype=np.float32), np.array([0, 2])


@pytest.mark.parametrize("call, error, message", [
    (lambda: ConvNet(in_shape=(1, 28)), ValueError, r"in_shape must be \(C_in, H, W\), got \(1, 28\)"),
    (lambda: ConvNet(in_shape=(1, 27, 28)), ValueError, r"H and W must be even .* got \(27, 28\)"),
    (lambda: ConvNet(channels=0), ValueError, "channels must be a positive int, got 0"),
    (lambda: ConvNet(kernel_size=4), ValueError, "kernel_size must be odd"),
    (lambda: ConvNet(dtype="float16"), ValueError, "dtype must be 'float32' or 'float64'"),
    (lambda: ConvNet(seed=-1), ValueError, r"seed must be in \[0, 2\*\*32\)"),
    (lambda: NET.forward(np.zeros((2, 1, 6, 6))), ValueError,
     r"X must hold images of shape \(1, 4, 4\), got \(1, 6, 6\)"),
    (lambda: NET.forward(np.zeros((2, 16))), ValueError, r"X must be 4-D \(n, C_in, H, W\)"),
    (lambda: NET.loss(X_NET, np.array([0, 3])), ValueError, r"y must hold labels in \[0, 3\), got 0..3"),
    (lambda: NET.loss(X_NET, np.array([0.0, 1.0])), TypeError, "y must hold integer class labels"),
    (lambda: NET.loss(X_NET, np.array([0, 1, 2])), ValueError, "same number of examples, got 2 and 3"),
    (lambda: NET.backward({"X": X_NET}, Y_NET), ValueError, "cache must be the dict of forward"),
    (lambda: NET.backward([X_NET], Y_NET), TypeError, "cache must be the dict that forward"),
    (lambda: NET.predict(X_NET, batch_size=0), ValueError, "batch_size must be a positive int, got 0"),
    (lambda: train("net", X_NET, Y_NET), TypeError, "net must be an nnbook.numpy_cnn.ConvNet, got str"),
    (lambda: train(NET, X_NET, Y_NET, lr=0.0), ValueError, "lr must be > 0, got 0"),
    (lambda: train(NET, X_NET, Y_NET, num_epochs=0), ValueError, "num_epochs must be a positive int, got 0"),
    (lambda: train(NET, X_NET, Y_NET, batch_size=2.5), TypeError, "batch_size must be a positive int, got float"),
    (lambda: train(NET, X_NET, Y_NET, X_val=X_NET), ValueError, "X_val and y_val must be given together"),
    (lambda: train(NET, X_NET, Y_NET, seed="0"), TypeError, "seed must be an int, got str"),
])
def test_convnet_bad_input_names_the_rule_and_the_value(call, error, message):
    # shapes that do not fit, labels out of range, settings out of range
    with pytest.raises(error, match=message):
        call()


def test_weight_decay_shrinks_the_kernels_and_weights_not_the_biases():
    # the ConvNet names its decayed parameters: with zero gradients a step of AdamW-style decay
    # multiplies K1 and W2 by 1 - lr * weight_decay and leaves b1 and b2 alone (K1 was never decayed once)
    net = ConvNet(in_shape=(1, 4, 4), channels=2, dtype="float64", seed=0)
    net.params["b1"][:], net.params["b2"][:] = 1.0, 1.0
    before = {name: P.copy() for name, P in net.params.items()}
    zeros = {name: np.zeros_like(P) for name, P in net.params.items()}
    Adam(lr=0.1, weight_decay=0.5).step(net.params, zeros, net.decayed)
    assert net.decayed == ("K1", "W2")
    for name in ("K1", "W2"):
        np.testing.assert_allclose(net.params[name], 0.95 * before[name], rtol=1e-12)
    for name in ("b1", "b2"):
        np.testing.assert_array_equal(net.params[name], before[name])


def test_decay_without_names_takes_the_parameters_of_two_or_more_axes():
    # step(params, grads) without net.decayed decays the same parameters as with it
    net = ConvNet(in_shape=(1, 4, 4), channels=2, dtype="float64", seed=0)
    assert tuple(name for name, P in net.params.items() if P.ndim >= 2) == net.decayed


def test_train_checks_the_data_once_not_every_mini_batch(monkeypatch):
    # the number of input checks does not grow with the number of mini-batches (1 vs 24 batches)
    import nnbook.numpy_cnn as numpy_cnn
    calls = []
    real = numpy_cnn.check_array
    monkeypatch.setattr(numpy_cnn, "check_array", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(24, 1, 4, 4)), rng.integers(0, 3, 24)
    counts = []
    for batch_size in (24, 1):
        calls.clear()
        train(ConvNet(in_shape=(1, 4, 4), channels=2, num_classes=3), X, y, num_epochs=2,
              batch_size=batch_size, X_val=X, y_val=y)
        counts.append(len(calls))
    assert counts[0] == counts[1] and counts[0] > 0, counts


def test_convnet_loss_at_initialisation_is_near_ln_10():
    # Chapter 5's first check: the output layer starts 10x smaller than He, so the logits are small
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, 1, 28, 28))
    y = rng.integers(0, 10, size=256)
    net = ConvNet(channels=8, dtype="float64", seed=0)
    assert abs(net.loss(X, y) - math.log(10)) < 0.1, net.loss(X, y)  # He alone: about 3
