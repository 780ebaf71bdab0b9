"""Tests of nnbook.numpy_net and nnbook.optimizers: gradients vs finite differences and torch.autograd,
optimisers vs torch.optim, training, bad input."""

import inspect
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnbook.gradcheck import check_gradients, relative_error
from nnbook.numpy_net import ACTIVATIONS, LOSSES, MLP, train
from nnbook.optimizers import SGD, Adam, Momentum

OPTIMIZERS = {  # name -> optimiser with learning rate lr and decoupled weight decay wd
    "sgd": lambda lr, wd=0.0: SGD(lr=lr, weight_decay=wd),
    "momentum": lambda lr, wd=0.0: Momentum(lr=lr, momentum=0.9, weight_decay=wd),
    "adam": lambda lr, wd=0.0: Adam(lr=lr, weight_decay=wd),
}

PAIRS = list(itertools.product(sorted(ACTIVATIONS), sorted(LOSSES)))
TORCH_ACTIVATIONS = {"sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU,
                     "leaky_relu": lambda: torch.nn.LeakyReLU(0.01)}


def random_problem(activation, loss, seed, n=None, dtype="float64"):
    """A net with random layer sizes (0 to 2 hidden layers) and matching random data X, y."""
    rng = np.random.default_rng(seed)
    n_out = 1 if loss == "bce" else int(rng.integers(2, 5))
    sizes = [int(rng.integers(1, 6))] + [int(rng.integers(1, 7)) for _ in range(seed % 3)] + [n_out]
    net = MLP(sizes, activation=activation, loss=loss, init="xavier", seed=seed, dtype=dtype)
    n = n or int(rng.integers(1, 9))
    X = rng.normal(size=(n, sizes[0]))
    y = {"mse": lambda: rng.normal(size=(n, n_out)),
         "bce": lambda: rng.integers(0, 2, size=n),
         "cross_entropy": lambda: rng.integers(0, n_out, size=n)}[loss]()
    return net, X, y


def torch_copy(net):
    """An nn.Sequential with the same layers and (copied) weights as `net`, in float64."""
    layers = []
    for l in range(1, net.n_layers + 1):
        W, b = net.params[f"W{l}"], net.params[f"b{l}"]
        linear = torch.nn.Linear(*W.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T.astype(np.float64)))  # torch stores W^T
            linear.bias.copy_(torch.from_numpy(b.astype(np.float64)))
        layers.append(linear)
        if l < net.n_layers:
            layers.append(TORCH_ACTIVATIONS[net.activation]())
    return torch.nn.Sequential(*layers)


def torch_loss(model, net, X, y, l2=0.0):
    """The loss net.loss computes, written with torch's own loss functions on the logits."""
    Z = model(torch.from_numpy(np.asarray(X, dtype=np.float64)))
    if net.loss_name == "mse":
        loss = F.mse_loss(Z, torch.from_numpy(np.asarray(y, dtype=np.float64)).reshape(Z.shape))
    elif net.loss_name == "bce":
        loss = F.binary_cross_entropy_with_logits(Z, torch.from_numpy(np.asarray(y, dtype=np.float64)).reshape(-1, 1))
    else:
        loss = F.cross_entropy(Z, torch.from_numpy(np.asarray(y)).long())
    weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
    return loss + l2 / 2 * sum((W ** 2).sum() for W in weights)


def torch_arrays(model, grad=False):
    """{"W1": W1, "b1": b1, ...} (or their .grad) read back from an nn.Sequential built by torch_copy."""
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    arrays = {}
    for l, linear in enumerate(linears, start=1):
        W, b = (linear.weight.grad, linear.bias.grad) if grad else (linear.weight, linear.bias)
        arrays[f"W{l}"], arrays[f"b{l}"] = W.detach().numpy().T, b.detach().numpy()
    return arrays


# ----- gradients ------------------------------------------------------------------------------
def min_abs_hidden_Z(net, X):
    """Smallest |Z{l}| over the hidden layers (inf when there is none)."""
    _, cache = net.forward(X, return_cache=True)
    return min((np.abs(cache[f"Z{l}"]).min() for l in range(1, net.n_layers)), default=np.inf)


def has_dead_layer(net, X):
    """True when some hidden layer outputs only zeros for every row of X."""
    _, cache = net.forward(X, return_cache=True)
    return any(not cache[f"A{l}"].any() for l in range(1, net.n_layers))


@pytest.mark.parametrize("activation, loss", PAIRS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradients_match_finite_differences(activation, loss, seed):
    # backprop agrees with central differences in float64, entry by entry, with and without l2
    # finite differences are wrong where a step of eps crosses the kink of (leaky) relu at z = 0,
    # and a dead relu layer makes every gradient exactly 0 (nothing to compare): draw again
    for attempt in range(100):
        net, X, y = random_problem(activation, loss, seed + 3000 * attempt)  # same depth
        if activation not in ("relu", "leaky_relu") or (min_abs_hidden_Z(net, X) > 1e-4
                                                          and not has_dead_layer(net, X)):
            break
    else:
        pytest.fail("no problem without kinks or dead layers in 100 draws")
    for l2 in (0.0, 0.3):
        errors = check_gradients(net, X, y, l2=l2)
        assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("activation, loss", PAIRS)
@pytest.mark.parametrize("l2", [0.0, 0.1])
def test_loss_and_gradients_match_torch_autograd(activation, loss, l2):
    # the same weights give the same loss and the same gradient for every parameter as torch.autograd
    net, X, y = random_problem(activation, loss, seed=7, n=6)
    model = torch_copy(net)
    expected = torch_loss(model, net, X, y, l2=l2)
    expected.backward()
    value, grads = net.gradients(X, y, l2=l2)
    assert value == pytest.approx(expected.item(), rel=1e-12)
    for name, grad in torch_arrays(model, grad=True).items():
        assert relative_error(grads[name], grad) < 1e-10, name


@pytest.mark.parametrize("activation, loss", PAIRS)
def test_forward_matches_nn_sequential(activation, loss):
    # forward equals nn.Sequential with the same weights followed by the loss's output function
    net, X, y = random_problem(activation, loss, seed=3, n=5)
    output = {"mse": lambda Z: Z, "bce": torch.sigmoid, "cross_entropy": lambda Z: torch.softmax(Z, dim=1)}
    expected = output[loss](torch_copy(net)(torch.from_numpy(X))).detach().numpy()
    np.testing.assert_allclose(net.forward(X), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_hidden_matches_the_first_layers_of_nn_sequential(activation):
    # hidden(X, layer=l) is the output of the first l (linear, activation) pairs of the same torch network
    net = MLP([3, 5, 4, 2], activation=activation, loss="cross_entropy", init="xavier", seed=2)
    X = np.random.default_rng(2).normal(size=(6, 3))
    model = torch_copy(net)
    for layer in (1, 2):
        expected = model[:2 * layer](torch.from_numpy(X)).detach().numpy()
        np.testing.assert_allclose(net.hidden(X, layer=layer), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("activation, loss", PAIRS)
def test_float32_gradients_close_to_float64(activation, loss):
    # the float32 network computes the float64 gradients to float32 precision, entry by entry
    net64, X, y = random_problem(activation, loss, seed=5, n=8)
    net32 = MLP(net64.layer_sizes, activation=activation, loss=loss, dtype="float32")
    net32.set_params(net64.params)
    loss64, grads64 = net64.gradients(X, y, l2=0.1)
    loss32, grads32 = net32.gradients(X.astype(np.float32), y, l2=0.1)
    assert loss32 == pytest.approx(loss64, rel=1e-5)
    for name in grads64:
        assert relative_error(grads32[name], grads64[name]) < 1e-5, name


def test_float32_network_never_upcasts():
    # every parameter, cached activation and gradient of a float32 network stays float32
    for activation, loss in PAIRS:
        net, X, y = random_problem(activation, loss, seed=1, n=4, dtype="float32")
        y_hat, cache = net.forward(X.astype(np.float32), return_cache=True)
        _, grads = net.gradients(X.astype(np.float32), y, l2=0.1)
        arrays = [y_hat, *cache.values(), *grads.values(), *net.params.values()]
        assert {a.dtype for a in arrays} == {np.dtype(np.float32)}, (activation, loss)


def test_float32_training_keeps_float32_params():
    # training with every optimiser leaves the parameters float32
    net, X, y = random_problem("relu", "cross_entropy", seed=1, n=20, dtype="float32")
    for make_optimizer in OPTIMIZERS.values():
        train(net, X.astype(np.float32), y, make_optimizer(0.01, wd=0.01), num_epochs=2, batch_size=8,
              l2=0.01, lr_schedule="cosine")
    assert {p.dtype for p in net.params.values()} == {np.dtype(np.float32)}


# ----- numerical stability ----------------------------------------------------------------------
def test_softmax_cross_entropy_stable_for_huge_logits():
    # logits of size 1e4 give finite probabilities summing to 1 and torch's loss, with no overflow
    net = MLP([2, 3], loss="cross_entropy", init="normal", seed=0)
    X = np.array([[1e4, -1e4], [-3e4, 2e4], [0.5, 0.2]])
    y = np.array([0, 2, 1])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y_hat = net.forward(X)
        loss, _ = net.gradients(X, y)
    np.testing.assert_allclose(y_hat.sum(axis=1), 1.0)
    assert loss == pytest.approx(torch_loss(torch_copy(net), net, X, y).item(), rel=1e-12)


def test_bce_stable_for_huge_logits():
    # sigmoid outputs and the bce loss stay finite and equal torch's BCEWithLogits for logits of 1e4
    net = MLP([1, 1], loss="bce", init="normal", seed=0)
    net.params["W1"][:] = 1.0
    X = np.array([[1e4], [-1e4], [3e4], [-2e4], [0.3]])
    y = np.array([0, 1, 1, 0, 1])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y_hat = net.forward(X)
        loss, grads = net.gradients(X, y)
    assert np.all((y_hat >= 0) & (y_hat <= 1))
    assert loss == pytest.approx(torch_loss(torch_copy(net), net, X, y).item(), rel=1e-12)
    assert all(np.all(np.isfinite(g)) for g in grads.values())


# ----- training -------------------------------------------------------------------------------
def separable_blobs(n_classes, n_per_class=20, seed=0):
    """Gaussian blobs with centres 6 apart and spread 0.5: linearly separable."""
    rng = np.random.default_rng(seed)
    centres = 3 * np.array([[np.cos(a), np.sin(a)] for a in 2 * np.pi * np.arange(n_classes) / n_classes])
    X = np.concatenate([c + 0.5 * rng.normal(size=(n_per_class, 2)) for c in centres])
    y = np.repeat(np.arange(n_classes), n_per_class)
    return X, y


LEARNING_RATES = {"sgd": 0.5, "momentum": 0.1, "adam": 0.05}


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("loss, n_classes", [("bce", 2), ("cross_entropy", 3)])
def test_training_fits_separable_data(optimizer, loss, n_classes):
    # every optimiser drives the loss down and reaches 100% training accuracy on separable blobs
    X, y = separable_blobs(n_classes)
    net = MLP([2, 8, 1 if loss == "bce" else n_classes], activation="tanh", loss=loss, init="xavier", seed=0)
    history = train(net, X, y, OPTIMIZERS[optimizer](LEARNING_RATES[optimizer]), num_epochs=30,
                    batch_size=16, seed=0)
    assert history["train_loss"][-1] < 0.3 * history["train_loss"][0]
    assert net.accuracy(X, y) == 1.0


def test_training_regression_with_mse_lowers_the_loss():
    # mse training on a smooth 1-D target reduces the loss tenfold; a regression history has no accuracy
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(64, 1))
    y = np.sin(X[:, 0])
    net = MLP([1, 16, 1], activation="tanh", loss="mse", init="xavier", seed=0)
    start = net.loss(X, y)
    history = train(net, X, y, Adam(lr=0.02), num_epochs=100, batch_size=16)
    assert net.loss(X, y) < 0.1 * start
    assert "train_acc" not in history and "val_acc" not in history


def torch_optimizer(optimizer, model, lr, weight_decay, l2):
    """The torch.optim optimiser that each of ours claims to be, weights and biases in two groups:
    decoupled decay on the weights is AdamW's weight_decay (done by hand for SGD, see below), l2 is
    SGD's (coupled) weight_decay; the biases get neither."""
    params = list(model.parameters())
    decay = weight_decay if optimizer == "adam" else l2
    groups = [{"params": params[0::2], "weight_decay": decay}, {"params": params[1::2], "weight_decay": 0.0}]
    if optimizer == "adam":
        return torch.optim.AdamW(groups, lr=lr)
    return torch.optim.SGD(groups, lr=lr, momentum=0.9 if optimizer == "momentum" else 0.0)


@pytest.mark.parametrize("optimizer, weight_decay, l2, schedule", [
    ("sgd", 0.0, 0.0, None), ("momentum", 0.0, 0.0, None), ("adam", 0.0, 0.0, None),
    ("sgd", 0.1, 0.0, None), ("momentum", 0.1, 0.0, None), ("adam", 0.1, 0.0, None),
    ("sgd", 0.0, 0.1, None), ("momentum", 0.0, 0.1, None),
    ("sgd", 0.0, 0.0, "cosine"), ("adam", 0.1, 0.0, "cosine"),
])
def test_train_follows_torch_optim(optimizer, weight_decay, l2, schedule):
    # full-batch training gives the weights torch.optim (SGD / SGD with momentum / AdamW, l2 as SGD's
    # weight_decay, the cosine schedule as CosineAnnealingLR stepped per step) gives from the same start
    X, y = separable_blobs(3, n_per_class=5)
    net = MLP([2, 4, 3], activation="tanh", loss="cross_entropy", init="xavier", seed=1)
    model = torch_copy(net)
    torch_opt = torch_optimizer(optimizer, model, 0.01, weight_decay, l2)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(torch_opt, T_max=5) if schedule else None
    train(net, X, y, OPTIMIZERS[optimizer](0.01, wd=weight_decay), num_epochs=5, batch_size=None, l2=l2,
          lr_schedule=schedule)
    for _ in range(5):
        torch_opt.zero_grad()
        torch_loss(model, net, X, y).backward()
        if optimizer != "adam" and weight_decay:  # decoupled decay for SGD: W <- W - lr * wd * W, then the step
            with torch.no_grad():
                for W in list(model.parameters())[0::2]:
                    W.mul_(1 - torch_opt.param_groups[0]["lr"] * weight_decay)
        torch_opt.step()
        if scheduler:
            scheduler.step()
    for name, value in torch_arrays(model).items():
        np.testing.assert_allclose(net.params[name], value, rtol=1e-10, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_optimizer_steps_follow_torch_and_leave_the_gradients_alone(optimizer):
    # an optimiser called with fresh gradient arrays at every step (as a chapter may do) matches
    # torch.optim, and never writes into the gradients it is given
    rng = np.random.default_rng(0)
    params = {"W1": rng.normal(size=(30, 7))}
    W = torch.tensor(params["W1"], requires_grad=True)
    expected = {"sgd": lambda: torch.optim.SGD([W], lr=0.01),
                "momentum": lambda: torch.optim.SGD([W], lr=0.01, momentum=0.9),
                "adam": lambda: torch.optim.Adam([W], lr=0.01)}[optimizer]()
    ours = OPTIMIZERS[optimizer](0.01)
    for _ in range(3):
        grads = {"W1": rng.normal(size=(30, 7))}
        saved = grads["W1"].copy()
        ours.step(params, grads)
        assert np.array_equal(grads["W1"], saved)
        W.grad = torch.from_numpy(saved)
        expected.step()
    np.testing.assert_allclose(params["W1"], W.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_cosine_schedule_ends_near_zero():
    # the cosine schedule starts at lr, falls every epoch, and its last step's rate is close to 0
    X, y = separable_blobs(2)
    net = MLP([2, 4, 1], activation="tanh", loss="bce", seed=0)
    history = train(net, X, y, SGD(lr=0.5), num_epochs=10, batch_size=8, lr_schedule="cosine")
    assert history["lr"][-1] < 1e-3 * 0.5
    assert np.all(np.diff(history["lr"]) < 0)
    assert history["lr"][0] > 0.45


def test_constant_schedule_keeps_lr():
    # without a schedule every epoch uses the given rate
    X, y = separable_blobs(2)
    history = train(MLP([2, 4, 1], loss="bce"), X, y, SGD(lr=0.3), num_epochs=3)
    assert history["lr"] == [0.3, 0.3, 0.3]


def test_same_seed_gives_identical_history():
    # two runs with the same seeds give identical losses, accuracies and weights
    X, y = separable_blobs(3)
    runs = []
    for _ in range(2):
        net = MLP([2, 8, 3], activation="relu", loss="cross_entropy", seed=4)
        history = train(net, X, y, Adam(lr=0.01), num_epochs=4, batch_size=7, seed=9,
                        X_val=X[:10], y_val=y[:10])
        del history["epoch_time"]
        runs.append((history, net.get_params()))
    assert runs[0][0] == runs[1][0]
    for name in runs[0][1]:
        assert np.array_equal(runs[0][1][name], runs[1][1][name])


def test_different_shuffling_seed_changes_history():
    # the seed of train() changes the mini-batch order and so the losses
    X, y = separable_blobs(3)
    losses = [train(MLP([2, 8, 3], seed=4), X, y, Adam(lr=0.01), num_epochs=2, batch_size=7, seed=s)["train_loss"]
              for s in (0, 1)]
    assert losses[0] != losses[1]


def test_progress_bar_does_not_change_training(capsys):
    # progress=True draws a bar (on stderr) and trains exactly as progress=False does
    X, y = separable_blobs(2)
    histories = []
    for progress in (False, True):
        net = MLP([2, 4, 1], activation="tanh", loss="bce", seed=0)
        history = train(net, X, y, Adam(lr=0.01), num_epochs=2, batch_size=8, progress=progress)
        del history["epoch_time"]
        histories.append(history)
        assert ("epochs" in capsys.readouterr().err) == progress
    assert histories[0] == histories[1]


def test_history_has_validation_entries_per_epoch():
    # with X_val the history holds one val_loss and val_acc per epoch, equal to net.loss/accuracy at the end
    X, y = separable_blobs(2)
    net = MLP([2, 4, 1], activation="tanh", loss="bce")
    history = train(net, X, y, Adam(lr=0.01), num_epochs=3, batch_size=8, X_val=X[::2], y_val=y[::2])
    keys = ("train_loss", "train_acc", "val_loss", "val_acc", "lr", "epoch_time")
    assert {k: len(v) for k, v in history.items()} == {k: 3 for k in keys}
    assert history["val_loss"][-1] == pytest.approx(net.loss(X[::2], y[::2]))
    assert history["val_acc"][-1] == net.accuracy(X[::2], y[::2])


def test_train_loss_is_the_mean_over_all_rows_before_each_step():
    # with one full batch the recorded loss and accuracy are those of the weights before the epoch's step
    X, y = separable_blobs(3)
    net = MLP([2, 8, 3], activation="tanh", loss="cross_entropy", seed=0)
    before_loss, before_acc = net.loss(X, y), net.accuracy(X, y)
    history = train(net, X, y, SGD(lr=0.1), num_epochs=1, batch_size=None, l2=0.5)
    assert history["train_loss"][0] == pytest.approx(before_loss, rel=1e-12)
    assert history["train_acc"][0] == before_acc


def test_loss_becoming_nan_raises_with_advice():
    # a diverging run stops with a FloatingPointError that names the step and suggests a smaller lr
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 3)), rng.normal(size=50)
    net = MLP([3, 8, 1], activation="relu", loss="mse", seed=0)
    with pytest.raises(FloatingPointError, match=r"loss became (nan|inf) at epoch \d+, step \d+; "
                                                 r"try a smaller learning rate \(lr=1000.0\)"):
        train(net, X, y, SGD(lr=1000.0), num_epochs=50, batch_size=10)


def test_parameters_overflowing_in_the_last_step_raise():
    # a step that makes the weights inf is caught at the end of the epoch even though its loss was finite
    X, y = np.array([[1.0]]), np.array([0.0])
    net = MLP([1, 1], loss="mse", init="zeros")
    net.params["b1"][:] = 1e150  # loss 1e300 is finite, the step b -= 1e200 * 2e150 overflows
    with pytest.raises(FloatingPointError, match=r"parameters became nan or inf at epoch 1, step 1; "
                                                 r"try a smaller learning rate \(lr=1e\+200\)"):
        train(net, X, y, SGD(lr=1e200), num_epochs=1, batch_size=1)


# ----- the rest of the interface ----------------------------------------------------------------
def test_num_parameters_counts_weights_and_biases():
    # 784-512-10 has 784*512 + 512 + 512*10 + 10 parameters
    assert MLP([784, 512, 10]).num_parameters() == 784 * 512 + 512 + 512 * 10 + 10


def test_init_scales():
    # xavier has std sqrt(2/(n_in+n_out)), he sqrt(2/n_in), normal 1, zeros 0; biases start at 0
    inits = ("xavier", "he", "normal", "zeros")
    stds = {init: MLP([400, 200, 1], init=init, seed=0).params["W1"].std() for init in inits}
    assert stds["xavier"] == pytest.approx(np.sqrt(2 / 600), rel=0.02)
    assert stds["he"] == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert stds["normal"] == pytest.approx(1.0, rel=0.02)
    assert stds["zeros"] == 0.0
    assert not MLP([3, 4, 2], init="normal").params["b1"].any()


def test_float32_and_float64_nets_with_one_seed_start_alike():
    # the float32 weights are the float64 weights of the same seed, rounded
    net64, net32 = MLP([5, 4, 3], seed=3), MLP([5, 4, 3], seed=3, dtype="float32")
    for name, P in net64.params.items():
        assert np.array_equal(net32.params[name], P.astype(np.float32))


def test_predict_and_accuracy():
    # bce predicts 0/1 with threshold 0.5, cross_entropy the argmax; accuracy is their match rate
    net = MLP([1, 1], loss="bce")
    net.params["W1"][:] = 1.0
    assert net.predict(np.array([[-2.0], [0.5], [3.0]])).tolist() == [0, 1, 1]
    assert net.accuracy(np.array([[-2.0], [0.5], [3.0]]), np.array([0, 0, 1])) == pytest.approx(2 / 3)
    net = MLP([2, 2], loss="cross_entropy")
    net.params["W1"][:] = np.eye(2)
    assert net.predict(np.array([[1.0, 0.0], [0.0, 2.0]])).tolist() == [0, 1]


def test_get_params_and_set_params_copy():
    # get_params returns copies and set_params copies values in: changing either copy later leaves the net alone
    net = MLP([2, 3, 1], loss="bce", seed=0)
    original = net.params["W1"].copy()
    saved = net.get_params()
    saved["W1"] += 1.0
    assert np.array_equal(net.params["W1"], original)
    net.set_params(saved)
    assert np.array_equal(net.params["W1"], original + 1.0)
    saved["W1"] += 1.0
    assert np.array_equal(net.params["W1"], original + 1.0)


# ----- bad input --------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, error, match", [
    ({"layer_sizes": [3]}, ValueError, "at least 2 sizes"),
    ({"layer_sizes": []}, ValueError, "at least 2 sizes"),
    ({"layer_sizes": [3, 0, 1]}, ValueError, r"layer_sizes\[1\] must be a positive int, got 0"),
    ({"layer_sizes": [3, -2]}, ValueError, r"layer_sizes\[1\] must be a positive int, got -2"),
    ({"layer_sizes": [3, 2.5]}, TypeError, r"layer_sizes\[1\] must be a positive int, got float 2.5"),
    ({"layer_sizes": "3,2"}, TypeError, "layer_sizes must be a list of ints"),
    ({"activation": "softplus"}, ValueError, "unknown activation 'softplus'"),
    ({"loss": "hinge"}, ValueError, "unknown loss 'hinge'"),
    ({"loss": None}, TypeError, "loss must be one of"),
    ({"init": "orthogonal"}, ValueError, "unknown init 'orthogonal'"),
    ({"loss": "bce", "layer_sizes": [3, 2]}, ValueError, r"one output unit \(n_out == 1\), got n_out=2"),
    ({"dtype": "float16"}, ValueError, "unknown dtype 'float16'"),
    ({"seed": 1.5}, TypeError, "seed must be an int"),
    ({"seed": -1}, ValueError, r"seed must be in \[0, 2\*\*32\), got -1"),
])
def test_mlp_rejects_bad_arguments(kwargs, error, match):
    # each bad constructor argument raises an error that names the rule and the value
    arguments = {"layer_sizes": [3, 2]} | kwargs
    with pytest.raises(error, match=match):
        MLP(**arguments)


METHODS_WITH_X = {  # every public function that takes X, called on MLP([3, 4, 2]) with labels y
    "forward": lambda net, X, y: net.forward(X),
    "predict": lambda net, X, y: net.predict(X),
    "hidden": lambda net, X, y: net.hidden(X),
    "loss": lambda net, X, y: net.loss(X, y),
    "gradients": lambda net, X, y: net.gradients(X, y),
    "accuracy": lambda net, X, y: net.accuracy(X, y),
    "train": lambda net, X, y: train(net, X, y, SGD()),
    "backward": lambda net, X, y: net.backward(net.forward(np.zeros((len(y), 3)), return_cache=True)[1], y),
}
TAKES_Y = {"loss", "gradients", "accuracy", "train", "backward"}


@pytest.mark.parametrize("method", sorted(METHODS_WITH_X))
def test_every_entry_point_checks_X_and_y(method):
    # each public function rejects an X of the wrong width and labels out of range (the rules of X and of
    # class labels, one case each, are tested in test_checks.py; the other targets' rules below)
    net, good_X, good_y = MLP([3, 4, 2]), np.zeros((4, 3)), np.array([0, 1, 0, 1])
    if method != "backward":
        with pytest.raises(ValueError, match=r"X must have 3 columns \(n_in of the network\), got shape \(4, 2\)"):
            METHODS_WITH_X[method](net, np.zeros((4, 2)), good_y)
    if method in TAKES_Y:
        with pytest.raises(ValueError, match=r"y labels must be in \[0, 2\) for loss='cross_entropy' with n_out=2"):
            METHODS_WITH_X[method](net, good_X, np.array([0, 1, 2, 1]))


@pytest.mark.parametrize("loss, n_out, y, error, match", [
    ("cross_entropy", 3, [0, 1, 2, 1], TypeError, "y must be a NumPy array, got list"),
    ("cross_entropy", 3, np.zeros((4, 3)), ValueError, r"y must have shape \(4,\) .* for loss='cross_entropy'"),
    ("bce", 1, np.array([0, 1, 0.5, 1]), ValueError, r"y must hold labels in \{0, 1\} for loss='bce', .* \[0.5\]"),
    ("bce", 1, np.zeros((4, 2)), ValueError, r"y must have shape \(4, 1\) or \(4,\) for loss='bce', got shape \(4, 2\)"),
    ("mse", 2, np.zeros(4), ValueError, r"y must have shape \(4, 2\) for loss='mse', got shape \(4,\)"),
])
def test_targets_follow_the_loss(loss, n_out, y, error, match):
    # targets of the wrong type, or with a shape or values the network's loss cannot use, are rejected
    with pytest.raises(error, match=match):
        MLP([3, n_out], loss=loss).loss(np.zeros((4, 3)), y)


X3, Y3 = np.zeros((2, 3)), np.array([0, 1])
CACHE = MLP([3, 4, 2]).forward(X3, return_cache=True)[1]


@pytest.mark.parametrize("method, call, error, match", [
    ("hidden", lambda net: net.hidden(X3, layer=0), ValueError, "layer must be a positive int, got 0"),
    ("hidden", lambda net: net.hidden(X3, layer=3), ValueError, r"layer must be in \[1, 2\], got 3"),
    ("hidden", lambda net: net.hidden(X3, layer=1.0), TypeError, "layer must be a positive int, got float"),
    ("loss", lambda net: net.loss(X3, Y3, l2=-0.1), ValueError, "l2 must be >= 0, got -0.1"),
    ("loss", lambda net: net.loss(X3, Y3, l2="big"), TypeError, "l2 must be a number, got str"),
    ("gradients", lambda net: net.gradients(X3, Y3, l2=-1.0), ValueError, "l2 must be >= 0, got -1"),
    ("backward", lambda net: net.backward(CACHE, Y3, l2=-1.0), ValueError, "l2 must be >= 0, got -1"),
    ("backward", lambda net: net.backward([X3], Y3), TypeError, "cache must be the dict that forward"),
    ("backward", lambda net: net.backward({"A0": X3}, Y3), ValueError, r"cache must be the dict of .* got \['A0'\]"),
    ("accuracy", lambda net: MLP([3, 1], loss="mse").accuracy(X3, Y3), ValueError,
     "accuracy needs a classification loss .* got loss='mse'"),
    ("set_params", lambda net: net.set_params([np.zeros((3, 4))]), TypeError, "params must be a dict like net.params"),
    ("set_params", lambda net: net.set_params({"W1": np.zeros((3, 4))}), ValueError,
     r"exactly the keys \['W1', 'W2', 'b1', 'b2'\]"),
    ("set_params", lambda net: net.set_params(net.get_params() | {"W3": np.zeros(2)}), ValueError, "exactly the keys"),
    ("set_params", lambda net: net.set_params(net.get_params() | {"W1": np.zeros((4, 3))}), ValueError,
     r"params\['W1'\] must have shape \(3, 4\), got \(4, 3\)"),
    ("set_params", lambda net: net.set_params(net.get_params() | {"b2": np.zeros(3)}), ValueError,
     r"params\['b2'\] must have shape \(2,\), got \(3,\)"),
])
def test_methods_reject_bad_arguments(method, call, error, match):
    # each bad argument of a method raises an error naming the rule and the value, and changes nothing
    net = MLP([3, 4, 2])
    before = net.get_params()
    with pytest.raises(error, match=match):
        call(net)
    assert all(np.array_equal(before[k], net.params[k]) for k in before), method


@pytest.mark.parametrize("kwargs, error, match", [
    ({"net": "net"}, TypeError, "net must be an nnbook.numpy_net.MLP, got str"),
    ({"optimizer": "adam"}, TypeError, "optimizer must be an nnbook.optimizers optimiser .* got str"),
    ({"lr_schedule": "step"}, ValueError, "unknown lr_schedule 'step'"),
    ({"num_epochs": 0}, ValueError, "num_epochs must be a positive int, got 0"),
    ({"num_epochs": 2.5}, TypeError, "num_epochs must be a positive int, got float 2.5"),
    ({"batch_size": 0}, ValueError, "batch_size must be a positive int, got 0"),
    ({"batch_size": -8}, ValueError, "batch_size must be a positive int, got -8"),
    ({"batch_size": "all"}, TypeError, "batch_size must be a positive int or None"),
    ({"l2": -1.0}, ValueError, "l2 must be >= 0, got -1"),
    ({"X_val": np.zeros((2, 3))}, ValueError, "X_val and y_val must be given together"),
    ({"X_val": np.zeros((2, 4)), "y_val": np.zeros(2)}, ValueError, "X_val must have 3 columns"),
    ({"X_val": np.zeros((2, 3)), "y_val": np.zeros(3)}, ValueError, r"y_val must have shape \(2,\)"),
    ({"seed": "0"}, TypeError, "seed must be an int"),
])
def test_train_rejects_bad_arguments(kwargs, error, match):
    # each bad training argument raises an error naming the rule and the value (X and y: tables above)
    arguments = {"net": MLP([3, 2], loss="cross_entropy"), "X": np.zeros((4, 3)), "y": np.array([0, 1, 0, 1]),
                 "optimizer": SGD()}
    with pytest.raises(error, match=match):
        train(**(arguments | kwargs))


@pytest.mark.parametrize("make, error, match", [
    (lambda: SGD(lr=0.0), ValueError, "lr must be > 0, got 0"),
    (lambda: Momentum(lr=-0.1), ValueError, "lr must be > 0, got -0.1"),
    (lambda: Adam(lr="0.1"), TypeError, "lr must be a number, got str"),
    (lambda: SGD(weight_decay=-0.1), ValueError, "weight_decay must be >= 0, got -0.1"),
    (lambda: Momentum(momentum=1.0), ValueError, "momentum must be < 1, got 1"),
    (lambda: Momentum(momentum=-0.5), ValueError, "momentum must be >= 0, got -0.5"),
    (lambda: Adam(betas=0.9), TypeError, r"betas must be a pair \(beta1, beta2\), got float"),
    (lambda: Adam(betas=(0.9,)), ValueError, r"betas must be a pair \(beta1, beta2\), got \(0.9,\)"),
    (lambda: Adam(betas=(0.9, 1.2)), ValueError, r"betas\[1\] must be < 1, got 1.2"),
    (lambda: Adam(eps=0.0), ValueError, "eps must be > 0, got 0"),
])
def test_optimizers_reject_bad_settings(make, error, match):
    # each bad optimiser setting is rejected where it is given, naming the rule and the value
    with pytest.raises(error, match=match):
        make()


def test_cosine_schedule_sets_the_optimizers_lr():
    # the schedule changes optimizer.lr step by step, as torch's schedulers change a group's lr,
    # and leaves it at the last step's rate; the history's lr is that rate at each epoch's end
    X, y = separable_blobs(2)
    opt = SGD(lr=0.5)
    history = train(MLP([2, 4, 1], loss="bce"), X, y, opt, num_epochs=4, batch_size=None, lr_schedule="cosine")
    assert opt.lr == history["lr"][-1] == pytest.approx(0.25 * (1 + np.cos(np.pi * 3 / 4)))


def test_backward_marks_the_loop_chapter_3_prints():
    # Chapter 3 prints the lines of MLP.backward between two marker comments: each is there once,
    # in order, around the recursion (dZ from the loss table, then the loop over the layers)
    source = inspect.getsource(MLP.backward)
    assert source.count("# begin: backpropagation") == source.count("# end: backpropagation") == 1
    loop = source.split("# begin: backpropagation")[1].split("# end: backpropagation")[0]
    assert "dZ = LOSSES[" in loop and "for l in range(L, 0, -1):" in loop and "dZ @ W.T" in loop


def test_train_checks_the_data_once_not_every_mini_batch(monkeypatch):
    # the number of input checks does not grow with the number of mini-batches (1 vs 30 batches)
    import nnbook.numpy_net as numpy_net
    calls = []
    for name in ("check_rows", "check_labels"):
        real = getattr(numpy_net, name)
        monkeypatch.setattr(numpy_net, name, lambda *a, real=real, **k: calls.append(a[0]) or real(*a, **k))
    X, y = np.random.default_rng(0).normal(size=(30, 4)), np.arange(30) % 3
    counts = []
    for batch_size in (None, 1):
        calls.clear()
        train(MLP([4, 5, 3]), X, y, SGD(lr=0.1), num_epochs=2, batch_size=batch_size, X_val=X, y_val=y)
        counts.append(len(calls))
    assert counts[0] == counts[1] and counts[0] > 0, counts


def test_each_network_names_its_decayed_weights():
    # an MLP's weight decay (and l2) takes W1 ... WL, not the biases; the optimiser's default agrees
    net = MLP([3, 4, 5, 2])
    assert net.decayed == ("W1", "W2", "W3")
    assert tuple(name for name, P in net.params.items() if P.ndim >= 2) == net.decayed
