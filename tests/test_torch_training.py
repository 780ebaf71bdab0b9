"""Tests of nnbook.torch_training: loops, evaluation, early stopping, checkpoints, bad inputs."""

import math
import os

import numpy as np
import pytest
import torch
from torch import nn

from nnbook.torch_training import (as_tensors, evaluate, fit, load_checkpoint, make_loader, predict,
                                   predict_logits, save_checkpoint, train_epoch)


def tiny_data(n=64, d=5, n_classes=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    y = rng.integers(0, n_classes, size=n)
    return X, y


def tiny_model(d=5, n_classes=3, seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(d, 8), nn.ReLU(), nn.Dropout(0.1), nn.Linear(8, n_classes))


def tiny_fit(model, X, y, **kwargs):
    options = dict(optimizer=torch.optim.SGD(model.parameters(), lr=0.1), num_epochs=1, batch_size=16,
                   progress=False)
    options.update(kwargs)
    return fit(model, X, y, **options)


class ScriptedOptimizer(torch.optim.Optimizer):
    """Sets the single weight to the next matrix of a script at each step: val accuracy is chosen by the test."""

    def __init__(self, params, script):
        super().__init__(params, dict(lr=0.0))
        self.script = iter(script)

    def step(self, closure=None):
        value = next(self.script)
        for group in self.param_groups:
            for p in group["params"]:
                p.data.copy_(torch.tensor(value, dtype=p.dtype))


# With X_val = [[1], [-1]] and y_val = [0, 1], a 1->2 linear layer without bias scores:
GOOD, BAD, HALF = [[1.0], [-1.0]], [[1.0], [2.0]], [[0.0], [0.0]]  # accuracy 1.0, 0.0, 0.5
X_VAL = np.array([[1.0], [-1.0]], dtype=np.float32)
Y_VAL = np.array([0, 1])


def scripted_run(script, patience, num_epochs=10, checkpoint_path=None):
    model = nn.Linear(1, 2, bias=False)
    optimizer = ScriptedOptimizer(model.parameters(), script)
    # one batch per epoch (batch_size >= n), so one optimizer step per epoch
    history = fit(model, X_VAL, Y_VAL, X_VAL, Y_VAL, optimizer=optimizer, num_epochs=num_epochs, batch_size=2,
                  patience=patience, checkpoint_path=checkpoint_path, progress=False)
    return model, history


# --- training ---------------------------------------------------------------------------------

def test_fit_smoke_one_epoch():
    # one epoch on random data gives one finite entry per history list
    X, y = tiny_data()
    history = tiny_fit(tiny_model(), X, y, X_val=X, y_val=y)
    assert len(history["train_loss"]) == len(history["val_acc"]) == len(history["epoch_time"]) == 1
    assert math.isfinite(history["train_loss"][0]) and 0 <= history["val_acc"][0] <= 1


def test_fit_learns_a_separable_problem():
    # a linearly separable problem is learned to high training accuracy
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 2)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    model = nn.Linear(2, 2)
    history = tiny_fit(model, X, y, num_epochs=20, optimizer=torch.optim.Adam(model.parameters(), lr=0.05))
    assert evaluate(model, X, y)[1] > 0.95
    assert history["train_loss"][-1] < history["train_loss"][0]


def test_fit_is_reproducible_with_a_seed():
    # the same seed and the same global state (seed_everything) give the same losses
    X, y = tiny_data()
    runs = [tiny_fit(tiny_model(seed=3), X, y, num_epochs=3, seed=7)["train_loss"] for _ in range(2)]
    assert runs[0] == runs[1]


def test_fit_shuffles_with_its_seed():
    # another shuffling seed, with the same model and dropout draws, gives other losses
    X, y = tiny_data()
    runs = [tiny_fit(tiny_model(seed=3), X, y, num_epochs=2, seed=seed)["train_loss"] for seed in (7, 8)]
    assert runs[0] != runs[1]


def test_fit_takes_a_generator_instead_of_a_seed():
    # a torch.Generator seeded with 7 shuffles exactly as seed=7 does, and fit draws from it
    X, y = tiny_data()
    generator = torch.Generator().manual_seed(7)
    with_generator = tiny_fit(tiny_model(seed=3), X, y, num_epochs=2, seed=generator)["train_loss"]
    with_seed = tiny_fit(tiny_model(seed=3), X, y, num_epochs=2, seed=7)["train_loss"]
    assert with_generator == with_seed
    assert not torch.equal(generator.get_state(), torch.Generator().manual_seed(7).get_state())


def test_fit_leaves_the_global_generator_alone():
    # dropout draws from torch's global generator, which fit does not reseed: another global
    # state gives other losses with the same shuffling seed
    X, y = tiny_data()
    runs = []
    for global_seed in (1, 2):
        model = tiny_model(seed=3)
        torch.manual_seed(global_seed)
        runs.append(tiny_fit(model, X, y, num_epochs=2, seed=7)["train_loss"])
    assert runs[0] != runs[1]


def test_progress_bar_does_not_change_training():
    # progress=True (tqdm) gives the same losses as progress=False
    X, y = tiny_data()
    runs = [tiny_fit(tiny_model(), X, y, num_epochs=2, progress=flag)["train_loss"] for flag in (True, False)]
    assert runs[0] == runs[1]


@pytest.mark.parametrize("progress", [True, False])
def test_progress_bar_shows_only_when_asked(capsys, progress):
    # progress=True draws a bar over the epochs (text on stderr outside Jupyter); False prints nothing
    X, y = tiny_data()
    tiny_fit(tiny_model(), X, y, num_epochs=2, progress=progress)
    captured = capsys.readouterr()
    assert ("epochs: 100%" in captured.err) == progress and captured.out == ""


def test_train_epoch_returns_mean_loss_and_accuracy():
    # train_epoch's loss is the mean over examples, so with lr=0 it equals evaluate's loss in train mode
    X, y = tiny_data()
    model = nn.Linear(5, 3)
    loss, acc = train_epoch(model, make_loader(X, y, 16), nn.CrossEntropyLoss(),
                            torch.optim.SGD(model.parameters(), lr=0.0))
    expected_loss, expected_acc = evaluate(model, X, y)
    assert loss == pytest.approx(expected_loss, rel=1e-6) and acc == pytest.approx(expected_acc)


def test_scheduler_is_stepped_every_batch():
    # 64 examples in batches of 16 = 4 steps, each halving the learning rate
    X, y = tiny_data()
    model = tiny_model()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    history = tiny_fit(model, X, y, optimizer=optimizer, scheduler=scheduler)
    assert history["lr"][0] == pytest.approx(0.1 * 0.5**4)


def test_augment_is_applied_to_every_training_batch():
    # augment sees each training batch once, with the batch's shape
    X, y = tiny_data()
    shapes = []
    tiny_fit(tiny_model(), X, y, augment=lambda X_batch: shapes.append(tuple(X_batch.shape)) or X_batch)
    assert shapes == [(16, 5)] * 4


def test_nan_loss_raises_with_advice():
    # a NaN weight gives a NaN loss, and training stops with advice on the learning rate
    X, y = tiny_data()
    model = tiny_model()
    with torch.no_grad():
        model[0].weight.fill_(float("nan"))
    with pytest.raises(FloatingPointError, match="loss became nan.*smaller learning rate"):
        tiny_fit(model, X, y)


def test_divergent_learning_rate_raises():
    # a huge learning rate on unscaled data makes the loss infinite or NaN, and fit says so
    X, y = tiny_data()
    X = X * 1e4
    model = tiny_model()
    with pytest.raises(FloatingPointError, match="smaller learning rate"):
        tiny_fit(model, X, y, num_epochs=5, optimizer=torch.optim.SGD(model.parameters(), lr=1e12))


# --- early stopping ---------------------------------------------------------------------------

def test_early_stopping_stops_after_patience_epochs_without_improvement():
    # val accuracy 0.5, 1.0, then 0.5 forever: with patience 3 training stops after epoch 2 + 3 = 5
    model, history = scripted_run([HALF, GOOD] + [HALF] * 8, patience=3)
    assert len(history["val_acc"]) == 5 and history["stopped_early"]
    assert history["val_acc"] == [0.5, 1.0, 0.5, 0.5, 0.5]


def test_equal_accuracy_is_not_an_improvement():
    # a constant val accuracy is no improvement: stop after 1 + patience epochs, best epoch 1
    _, history = scripted_run([HALF] * 10, patience=2)
    assert len(history["val_acc"]) == 3 and history["best_epoch"] == 1


def test_fit_restores_the_best_epoch():
    # after a later worse epoch, the model holds the weights of the best epoch
    model, history = scripted_run([HALF, GOOD, BAD, BAD, BAD], patience=10, num_epochs=5)
    assert history["best_epoch"] == 2 and history["best_val_acc"] == 1.0
    assert torch.equal(model.weight.detach(), torch.tensor(GOOD))


def test_fit_without_patience_runs_every_epoch():
    # patience=None never stops early
    _, history = scripted_run([HALF] * 6, patience=None, num_epochs=6)
    assert len(history["val_acc"]) == 6 and not history["stopped_early"]


def test_fit_saves_the_best_epoch_as_checkpoint(tmp_path):
    # the checkpoint holds the best epoch (2), not the last one
    path = tmp_path / "best.pt"
    scripted_run([HALF, GOOD, BAD, BAD], patience=2, checkpoint_path=path)
    fresh = nn.Linear(1, 2, bias=False)
    extra = load_checkpoint(fresh, path)
    assert extra["epoch"] == 2 and extra["val_acc"] == 1.0
    assert torch.equal(fresh.weight.detach(), torch.tensor(GOOD))


# --- evaluation and prediction ----------------------------------------------------------------

def test_evaluate_matches_cross_entropy_on_all_data():
    # batched evaluation gives the same mean loss and accuracy as one pass over all examples
    X, y = tiny_data(n=50)
    model = tiny_model().eval()
    loss, acc = evaluate(model, X, y, batch_size=7)
    logits = model(torch.from_numpy(X))
    assert loss == pytest.approx(nn.functional.cross_entropy(logits, torch.from_numpy(y)).item(), rel=1e-5)
    assert acc == pytest.approx((logits.argmax(1).numpy() == y).mean())


def test_evaluate_accepts_a_loader():
    # a DataLoader gives the same result as the arrays
    X, y = tiny_data()
    model = tiny_model()
    from_loader = evaluate(model, make_loader(X, y, 10, shuffle=False))
    assert from_loader == pytest.approx(evaluate(model, X, y))


def test_evaluate_restores_training_mode():
    # evaluate switches dropout off while it runs and puts the model back in training mode
    X, y = tiny_data()
    model = tiny_model().train()
    evaluate(model, X, y)
    assert model.training


class FailsOnSecondBatch(nn.Module):
    """A model that raises on its second forward call (a bad batch halfway through evaluation)."""

    def __init__(self):
        super().__init__()
        self.linear, self.calls = nn.Linear(5, 3), 0

    def forward(self, X):
        self.calls += 1
        if self.calls == 2:
            raise RuntimeError("bad batch (simulated)")
        return self.linear(X)


@pytest.mark.parametrize("run", [lambda model, X, y: evaluate(model, X, y, batch_size=16),
                                 lambda model, X, y: predict_logits(model, X, batch_size=16)],
                         ids=["evaluate", "predict_logits"])
def test_evaluation_restores_training_mode_when_the_model_raises(run):
    # the mode switch is undone in a finally: a model that fails halfway is left in training mode
    X, y = tiny_data()
    model = FailsOnSecondBatch().train()
    with pytest.raises(RuntimeError, match="bad batch"):
        run(model, X, y)
    assert model.calls == 2 and model.training


def test_predict_is_deterministic_in_eval_mode_and_argmax_of_logits():
    # dropout is off in predict, so two calls agree, and labels are the argmax of the logits
    X, _ = tiny_data()
    model = tiny_model().train()
    logits = predict_logits(model, X, batch_size=10)
    assert torch.equal(logits, predict_logits(model, X, batch_size=10))
    assert torch.allclose(logits, model.eval()(torch.from_numpy(X)), atol=1e-6)
    assert torch.equal(predict(model, X), logits.argmax(dim=1))


# --- checkpoints ------------------------------------------------------------------------------

def test_checkpoint_round_trip_gives_identical_outputs(tmp_path):
    # a fresh model loaded from a checkpoint computes exactly the same outputs
    X, y = tiny_data()
    model = tiny_model(seed=0)
    tiny_fit(model, X, y, num_epochs=2)
    save_checkpoint(model, tmp_path / "m.pt", note="hello")
    fresh = tiny_model(seed=1)
    extra = load_checkpoint(fresh, tmp_path / "m.pt")
    assert extra == {"note": "hello"}
    assert torch.equal(predict_logits(model, X), predict_logits(fresh, X))


def test_interrupted_save_keeps_previous_checkpoint(tmp_path, monkeypatch):
    # a save that fails halfway leaves the old checkpoint readable and no temporary file behind
    path = tmp_path / "m.pt"
    old = tiny_model(seed=0)
    save_checkpoint(old, path)

    def broken_save(obj, f, *args, **kwargs):
        f.write(b"PK\x03\x04 half a checkpoint")
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(tiny_model(seed=1), path)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["m.pt"]
    fresh = tiny_model(seed=2)
    load_checkpoint(fresh, path)
    X, _ = tiny_data()
    assert torch.equal(predict_logits(fresh, X), predict_logits(old, X))


@pytest.mark.parametrize("saved, model, match", [
    (lambda: nn.Linear(5, 8), lambda: nn.Linear(6, 8), r"size mismatch for weight.*\[8, 5\].*\[8, 6\]"),
    (lambda: nn.Linear(5, 3), tiny_model, r'Missing key\(s\) in state_dict: "0.weight"'),
])
def test_a_checkpoint_that_does_not_fit_names_the_parameters(tmp_path, saved, model, match):
    # PyTorch's strict load_state_dict names each parameter whose name or shape differs
    save_checkpoint(saved(), tmp_path / "m.pt")
    with pytest.raises(RuntimeError, match=match):
        load_checkpoint(model(), tmp_path / "m.pt")


# --- bad inputs: one table per public function --------------------------------------------------

@pytest.mark.parametrize("kwargs, error, match", [
    (dict(num_epochs=0), ValueError, "num_epochs must be a positive int, got 0"),
    (dict(num_epochs=1.5), TypeError, "num_epochs must be a positive int"),
    (dict(batch_size=-2), ValueError, "batch_size must be a positive int, got -2"),
    (dict(batch_size=True), TypeError, "batch_size must be a positive int"),
    (dict(patience=0), ValueError, "patience must be a positive int, got 0"),
    (dict(patience="3"), TypeError, "patience must be a positive int or None"),
    (dict(seed=-1), ValueError, r"seed must be in \[0, 2\*\*32\), got -1"),
    (dict(seed=0.5), TypeError, "seed must be an int"),
    (dict(optimizer="adam"), TypeError, "optimizer must be a torch.optim.Optimizer, got str"),
    (dict(scheduler=0.5), TypeError, "scheduler must be a torch.optim.lr_scheduler.LRScheduler or None"),
    (dict(augment="shift"), TypeError, "augment must be callable or None"),
    (dict(checkpoint_path=3), TypeError, "checkpoint_path must be a str or path or None"),
    (dict(X_val=None), ValueError, "pass both X_val and y_val, or neither"),
    (dict(X_val=None, y_val=None, patience=2), ValueError, "patience=2 needs validation data"),
    (dict(y_train=np.zeros(63, dtype=np.int64)), ValueError, "same number of examples, got 64 and 63"),
    (dict(y_val=np.zeros(10, dtype=np.int64)), ValueError, "same number of examples, got 64 and 10"),
    (dict(model=lambda X: X), TypeError, "model must be a torch.nn.Module, got function"),
])
def test_fit_rejects_bad_arguments(kwargs, error, match):
    # each rule on fit's arguments raises its own error naming the argument and the value
    X, y = tiny_data()
    model = tiny_model()
    arguments = dict(model=model, X_train=X, y_train=y, X_val=X, y_val=y, num_epochs=1, batch_size=16,
                     optimizer=torch.optim.SGD(model.parameters(), lr=0.1), progress=False)
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        fit(**arguments)


@pytest.mark.parametrize("X, y, error, match", [
    (np.zeros((4, 2), dtype=np.float32), np.zeros((4, 1), dtype=np.int64), ValueError, "y must be 1-D"),
    (np.zeros((4, 2), dtype=np.float32), np.zeros(4), TypeError, "y must hold integer class labels"),
    (np.zeros((4, 2), dtype=np.float32), [0, 1, 0, 1], TypeError, "y must be a NumPy array or a torch tensor"),
    (np.zeros((4, 2), dtype=np.int64), np.zeros(4, dtype=np.int64), TypeError, "X must hold floating-point"),
    (torch.zeros(4, 2, dtype=torch.int64), torch.zeros(4, dtype=torch.int64), TypeError, "X must hold floating"),
    ([[0.0, 1.0]], np.zeros(1, dtype=np.int64), TypeError, "X must be a NumPy array or a torch tensor"),
    (np.zeros((0, 2), dtype=np.float32), np.zeros(0, dtype=np.int64), ValueError, "at least one example"),
])
def test_as_tensors_rejects_bad_data(X, y, error, match):
    # features: a floating-point array or tensor with examples; labels: 1-D integers, one per example
    with pytest.raises(error, match=match):
        as_tensors(X, y)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(batch_size=0), ValueError, "batch_size must be a positive int, got 0"),
    (dict(seed=2**32), ValueError, r"seed must be in \[0, 2\*\*32\)"),
    (dict(seed="0"), TypeError, "seed must be an int"),
])
def test_make_loader_rejects_bad_arguments(kwargs, error, match):
    # a batch size is a positive int; a seed an int in [0, 2**32) (or a torch.Generator)
    X, y = tiny_data()
    with pytest.raises(error, match=match):
        make_loader(X, y, **{"batch_size": 16, **kwargs})


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(batches=[]), ValueError, "batches must yield at least one"),
    (dict(optimizer="adam"), TypeError, "optimizer must be a torch.optim.Optimizer"),
    (dict(loss_fn="cross_entropy"), TypeError, "loss_fn must be callable"),
    (dict(augment=0.5), TypeError, "augment must be callable or None"),
    (dict(model=np.zeros(3)), TypeError, "model must be a torch.nn.Module, got ndarray"),
])
def test_train_epoch_rejects_bad_arguments(kwargs, error, match):
    # an epoch needs a module, a loss function, an optimizer and at least one batch
    X, y = tiny_data()
    model = tiny_model()
    arguments = dict(model=model, batches=make_loader(X, y, 16), loss_fn=nn.CrossEntropyLoss(),
                     optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        train_epoch(**arguments)


@pytest.mark.parametrize("call, error, match", [
    (lambda X, y: evaluate(tiny_model(), X), ValueError, "y is None: pass labels y"),
    (lambda X, y: evaluate(tiny_model(), X, y, batch_size=0), ValueError, "batch_size must be a positive int"),
    (lambda X, y: evaluate(tiny_model(), X, y, loss_fn="ce"), TypeError, "loss_fn must be callable"),
    (lambda X, y: evaluate(tiny_model(), []), ValueError, "yielded no examples"),
    (lambda X, y: predict(tiny_model(), X, batch_size=0), ValueError, "batch_size must be a positive int, got 0"),
    (lambda X, y: predict(tiny_model(), X.tolist()), TypeError, "X must be a NumPy array or a torch tensor"),
    (lambda X, y: predict_logits("model", X), TypeError, "model must be a torch.nn.Module"),
])
def test_evaluate_and_predict_reject_bad_arguments(call, error, match):
    # evaluation needs labels (or a loader of batches), a positive batch size and a module
    X, y = tiny_data()
    with pytest.raises(error, match=match):
        call(X, y)


def test_save_into_missing_folder_raises(tmp_path):
    # save_checkpoint does not create folders silently
    with pytest.raises(FileNotFoundError, match="No such file or directory: .*/no/"):
        save_checkpoint(tiny_model(), tmp_path / "no" / "m.pt")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content, error, match", [
    (None, FileNotFoundError, "no checkpoint at .*m.pt"),
    (b"not a checkpoint", ValueError, "is not a readable checkpoint"),
    ("state_dict", ValueError, "not a checkpoint written by save_checkpoint"),
])
def test_load_rejects_what_is_not_a_checkpoint(tmp_path, content, error, match):
    # no file, a file of garbage, and a bare state_dict each get an error naming the file
    path = tmp_path / "m.pt"
    if content == "state_dict":
        torch.save(tiny_model().state_dict(), path)
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(error, match=match):
        load_checkpoint(tiny_model(), path)


@pytest.mark.parametrize("call, match", [
    (lambda tmp_path: save_checkpoint(tiny_model(), 42), "path must be a str or path, got int"),
    (lambda tmp_path: load_checkpoint(tiny_model(), None), "path must be a str or path, got NoneType"),
    (lambda tmp_path: save_checkpoint({"w": 1}, tmp_path / "m.pt"), "model must be a torch.nn.Module, got dict"),
])
def test_checkpoint_functions_reject_bad_types(tmp_path, call, match):
    # a checkpoint is a module's parameters at a path
    with pytest.raises(TypeError, match=match):
        call(tmp_path)


def test_one_synchronisation_per_epoch(monkeypatch):
    # train_epoch and evaluate keep their sums on the device: the number of .item() calls (a GPU sync
    # each) does not grow with the number of batches
    X, y = tiny_data()
    calls = []
    original = torch.Tensor.item
    monkeypatch.setattr(torch.Tensor, "item", lambda self: calls.append(1) or original(self))
    counts = []
    for batch_size in (32, 4):                                           # 2 batches, then 16
        model = tiny_model()
        calls.clear()
        train_epoch(model, make_loader(X, y, batch_size=batch_size, seed=0), nn.CrossEntropyLoss(),
                    torch.optim.SGD(model.parameters(), lr=0.1))
        evaluate(model, X, y, batch_size=batch_size)
        counts.append(len(calls))
    assert counts[0] == counts[1] <= 5, counts
