"""Dropout in nnbook.numpy_net.MLP (Chapter 6): inverted dropout in training mode, nothing in
evaluation mode, gradients equal to autograd's with the same masks."""
import numpy as np
import pytest

from nnbook.numpy_net import MLP, train
from nnbook.optimizers import Adam

torch = pytest.importorskip("torch")


def torch_gradients(net, cache, X, y, activation):
    """Autograd's gradients of the same network with the masks of `cache` (float64)."""
    g = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[activation]
    params = {name: torch.tensor(P, requires_grad=True) for name, P in net.params.items()}
    A = torch.from_numpy(X)
    for l in range(1, net.n_layers + 1):
        Z = A @ params[f"W{l}"] + params[f"b{l}"]
        A = g(Z) * torch.from_numpy(cache[f"D{l}"]) if l < net.n_layers else Z
    torch.nn.functional.cross_entropy(A, torch.from_numpy(y)).backward()
    return {name: P.grad.numpy() for name, P in params.items()}


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
# with dropout on, backward is autograd's gradient for the masks the forward pass drew
def test_dropout_gradients_match_autograd(activation):
    net = MLP([6, 5, 4, 3], activation=activation, seed=1, dropout=0.4)
    X, y = np.random.default_rng(0).normal(size=(20, 6)), np.arange(20) % 3
    _, cache = net.forward(X, return_cache=True)
    grads, expected = net.backward(cache, y), torch_gradients(net, cache, X, y, activation)
    for name in net.params:
        np.testing.assert_allclose(grads[name], expected[name], rtol=1e-10, atol=1e-12)


# a mask entry is 0 (dropped) or 1 / (1 - p) (kept), and about a fraction p is dropped
def test_masks_are_inverted_dropout():
    p = 0.25
    net = MLP([50, 400, 2], seed=0, dropout=p)
    _, cache = net.forward(np.ones((200, 50)), return_cache=True)
    values = np.unique(cache["D1"])
    np.testing.assert_allclose(values, [0.0, 1 / (1 - p)])
    assert abs(np.mean(cache["D1"] == 0) - p) < 0.01


# evaluation mode drops nothing: the output is that of the same network without dropout
def test_eval_mode_is_deterministic_and_equals_no_dropout():
    X = np.random.default_rng(1).normal(size=(8, 5))
    with_dropout, without = MLP([5, 7, 3], seed=2, dropout=0.5), MLP([5, 7, 3], seed=2)
    with_dropout.eval()
    np.testing.assert_array_equal(with_dropout.forward(X), without.forward(X))
    assert "D1" not in with_dropout.forward(X, return_cache=True)[1]


# training mode draws a new mask at every call; train() and eval() return the network
def test_training_mode_draws_new_masks():
    net = MLP([5, 7, 3], seed=2, dropout=0.5)
    assert net.training and net.train() is net and net.eval() is net and not net.training
    net.train()
    X = np.ones((4, 5))
    assert not np.array_equal(net.forward(X), net.forward(X))


# train() runs its steps with dropout and returns the network in evaluation mode
def test_train_leaves_evaluation_mode():
    net = MLP([4, 6, 2], seed=0, dropout=0.3, dtype="float32")
    X, y = np.random.default_rng(0).normal(size=(30, 4)), np.arange(30) % 2
    train(net, X, y, Adam(lr=1e-2), num_epochs=2, batch_size=10)
    assert not net.training
    assert net.forward(X, return_cache=True)[1].keys() == {"A0", "Z1", "A1", "Z2", "A2"}


# masks keep the network's dtype: float32 stays float32
def test_float32_network_keeps_float32_with_dropout():
    net = MLP([4, 6, 2], seed=0, dropout=0.3, dtype="float32")
    _, cache = net.forward(np.ones((3, 4), dtype=np.float32), return_cache=True)
    assert cache["D1"].dtype == np.float32 and cache["A1"].dtype == np.float32


# dropout = 0 changes nothing: same weights, same outputs, no masks, in either mode
def test_zero_dropout_is_the_plain_network():
    X = np.random.default_rng(3).normal(size=(6, 5))
    plain, zero = MLP([5, 7, 3], seed=4), MLP([5, 7, 3], seed=4, dropout=0.0)
    np.testing.assert_array_equal(plain.forward(X), zero.forward(X))
    assert "D1" not in zero.forward(X, return_cache=True)[1]


@pytest.mark.parametrize("dropout, error, message", [
    (1.0, ValueError, "dropout"),
    (-0.1, ValueError, "dropout"),
    ("0.5", TypeError, "dropout"),
])
# a drop probability outside [0, 1) is refused, naming the argument
def test_bad_dropout_is_refused(dropout, error, message):
    with pytest.raises(error, match=message):
        MLP([3, 4, 2], dropout=dropout)


# a cache with masks passes backward's check, one with unknown keys does not
def test_backward_accepts_masks_but_not_other_keys():
    net = MLP([3, 4, 2], seed=0, dropout=0.5)
    X, y = np.ones((2, 3)), np.array([0, 1])
    _, cache = net.forward(X, return_cache=True)
    net.backward(cache, y)
    cache["E1"] = cache["D1"]
    with pytest.raises(ValueError, match="cache"):
        net.backward(cache, y)


def test_backward_uses_the_activation_kept_before_dropout():
    # the cache keeps g(Z1) before dropout ("G1"); backward reads it instead of computing g again
    net = MLP([4, 6, 3], activation="sigmoid", dropout=0.5, seed=0)
    X, y = np.random.default_rng(1).normal(size=(8, 4)), np.arange(8) % 3
    _, cache = net.forward(X, return_cache=True)
    np.testing.assert_array_equal(cache["A1"], cache["G1"] * cache["D1"])
    grads = net.backward(cache, y)
    cache["G1"] = cache["G1"] + 0.1  # a different "activation before dropout" changes dW1
    assert not np.array_equal(net.backward(cache, y)["W1"], grads["W1"])
