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
    # the same seed gives the same losses (shuffling and dropout are seeded)
    X, y = tiny_data()
    runs = [tiny_fit(tiny_model(seed=3), X, y, num_epochs=3, seed=7)["train_loss"] for _ in range(2)]
    assert runs[0] == runs[1]


def test_progress_bar_does_not_change_training():
    # progress=True (tqdm) gives the same losses as progress=False
    X, y = tiny_data()
    runs = [tiny_fit(tiny_model(), X, y, num_epochs=2, progress=flag)["train_loss"] for flag in (True, False)]
    assert runs[0] == runs[1]


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


def test_load_shape_mismatch_names_parameter_and_shapes(tmp_path):
    # a checkpoint of a 5->8 layer does not load into a 6->8 layer, and the error says where
    save_checkpoint(nn.Linear(5, 8), tmp_path / "m.pt")
    with pytest.raises(ValueError, match=r"'weight' has shape \(8, 5\) in the checkpoint but \(8, 6\)"):
        load_checkpoint(nn.Linear(6, 8), tmp_path / "m.pt")


def test_load_with_other_parameter_names_raises(tmp_path):
    # a checkpoint of another architecture names the missing and unexpected parameters
    save_checkpoint(nn.Linear(5, 3), tmp_path / "m.pt")
    with pytest.raises(ValueError, match=r"missing parameters \['0.bias', '0.weight'"):
        load_checkpoint(tiny_model(), tmp_path / "m.pt")


def test_load_missing_file_raises(tmp_path):
    # loading from a path with no file raises FileNotFoundError naming the path
    with pytest.raises(FileNotFoundError, match="no checkpoint at .*nothing.pt"):
        load_checkpoint(tiny_model(), tmp_path / "nothing.pt")


def test_load_garbage_file_raises(tmp_path):
    # a file that is not a checkpoint raises ValueError
    (tmp_path / "m.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a readable checkpoint"):
        load_checkpoint(tiny_model(), tmp_path / "m.pt")


def test_save_into_missing_folder_raises(tmp_path):
    # save_checkpoint does not create folders silently
    with pytest.raises(FileNotFoundError, match="folder of the checkpoint does not exist"):
        save_checkpoint(tiny_model(), tmp_path / "no" / "m.pt")


# --- bad inputs -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, value, error, match", [
    ("num_epochs", 0, ValueError, "num_epochs must be a positive int, got 0"),
    ("num_epochs", -2, ValueError, "num_epochs must be a positive int, got -2"),
    ("num_epochs", 1.5, TypeError, "num_epochs must be a positive int"),
    ("batch_size", 0, ValueError, "batch_size must be a positive int, got 0"),
    ("batch_size", True, TypeError, "batch_size must be a positive int"),
    ("patience", 0, ValueError, "patience must be a positive int, got 0"),
    ("patience", -1, ValueError, "patience must be a positive int, got -1"),
])
def test_fit_rejects_bad_counts(name, value, error, match):
    # counts must be positive ints
    X, y = tiny_data()
    with pytest.raises(error, match=match):
        tiny_fit(tiny_model(), X, y, X_val=X, y_val=y, **{name: value})


def test_fit_rejects_mismatched_lengths():
    # X and y must have the same number of rows
    X, y = tiny_data()
    with pytest.raises(ValueError, match="same number of examples, got 64 and 63"):
        tiny_fit(tiny_model(), X, y[:-1])


def test_fit_rejects_mismatched_validation_lengths():
    # X_val and y_val must have the same number of rows
    X, y = tiny_data()
    with pytest.raises(ValueError, match="same number of examples, got 64 and 10"):
        tiny_fit(tiny_model(), X, y, X_val=X, y_val=y[:10])


def test_fit_rejects_half_validation_data():
    # X_val without y_val is an error, not silently ignored
    X, y = tiny_data()
    with pytest.raises(ValueError, match="both X_val and y_val"):
        tiny_fit(tiny_model(), X, y, X_val=X)


def test_fit_rejects_patience_without_validation():
    # early stopping needs validation data
    X, y = tiny_data()
    with pytest.raises(ValueError, match="patience=2 needs validation data"):
        tiny_fit(tiny_model(), X, y, patience=2)


def test_fit_rejects_non_optimizer():
    # optimizer must be a torch optimizer
    X, y = tiny_data()
    with pytest.raises(TypeError, match="optimizer must be a torch.optim.Optimizer"):
        tiny_fit(tiny_model(), X, y, optimizer="adam")


def test_fit_rejects_non_module():
    # model must be an nn.Module
    X, y = tiny_data()
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        fit(lambda X: X, X, y, optimizer=torch.optim.SGD(tiny_model().parameters(), lr=0.1),
            num_epochs=1, batch_size=8)


def test_fit_rejects_bad_scheduler():
    # scheduler must have a step() method
    X, y = tiny_data()
    with pytest.raises(TypeError, match="scheduler must have a step"):
        tiny_fit(tiny_model(), X, y, scheduler=0.5)


def test_fit_rejects_bad_augment():
    # augment must be callable
    X, y = tiny_data()
    with pytest.raises(TypeError, match="augment must be callable"):
        tiny_fit(tiny_model(), X, y, augment="shift")


@pytest.mark.parametrize("X, y, error, match", [
    (np.zeros((4, 2), dtype=np.float32), np.zeros((4, 1), dtype=np.int64), ValueError, "y must be 1-D"),
    (np.zeros((4, 2), dtype=np.float32), np.zeros(4), TypeError, "y must hold integer class labels"),
    (np.zeros((4, 2), dtype=np.int64), np.zeros(4, dtype=np.int64), TypeError, "X must hold floating-point"),
    ([[0.0, 1.0]], np.zeros(1, dtype=np.int64), TypeError, "X must be a NumPy array or a torch tensor"),
    (np.zeros((4, 2), dtype=np.float32), [0, 1, 0, 1], TypeError, "y must be a NumPy array or a torch tensor"),
    (np.zeros((0, 2), dtype=np.float32), np.zeros(0, dtype=np.int64), ValueError, "at least one example"),
])
def test_as_tensors_rejects_bad_data(X, y, error, match):
    # features must be floating point arrays with examples, labels 1-D integers
    with pytest.raises(error, match=match):
        as_tensors(X, y)


def test_evaluate_rejects_features_without_labels():
    # evaluate(model, X) with an array and no labels is an error
    X, _ = tiny_data()
    with pytest.raises(ValueError, match="y is None"):
        evaluate(tiny_model(), X)


def test_predict_rejects_bad_batch_size():
    # batch_size must be positive
    X, _ = tiny_data()
    with pytest.raises(ValueError, match="batch_size must be a positive int, got 0"):
        predict(tiny_model(), X, batch_size=0)


def test_train_epoch_rejects_empty_batches():
    # an epoch with no batches is an error, not a division by zero
    model = tiny_model()
    with pytest.raises(ValueError, match="at least one"):
        train_epoch(model, [], nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1))


def test_checkpoint_functions_reject_bad_path():
    # path must be a str or a path
    with pytest.raises(TypeError, match="path must be a str or path"):
        save_checkpoint(tiny_model(), 42)
    with pytest.raises(TypeError, match="path must be a str or path"):
        load_checkpoint(tiny_model(), None)
