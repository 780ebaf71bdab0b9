"""Seed spreads of Chapters 7 and 8 (convolution by hand, CNNs in PyTorch).

Each experiment trains what its chapter trains, through the same nnbook functions, with the seed as
the only change. Chapter 8's networks and its training function are defined in the notebook itself;
they are taken from there (the code cells that define them, executed as they stand), so that the
spread is measured on exactly the chapter's code. Run with `python -m tools.seed_spread NAME`.
"""
from __future__ import annotations

import ast
import os
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
CHAPTER7 = ROOT / "chapters" / "07_convolution.ipynb"
CHAPTER8 = ROOT / "chapters" / "08_cnn.ipynb"


def defining_cells(path: Path, names: set[str]) -> list[str]:
    """The sources of the notebook's code cells that define (at top level) any of `names`, in order.

    Fails loudly when a name is defined by no cell: the chapter changed and this module must follow.
    """
    found, sources = set(), []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code" or cell.source.lstrip().startswith(("%", "!")):
            continue
        defined = set()
        for node in ast.parse(cell.source).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.add(node.name)
            elif isinstance(node, ast.Assign):
                defined |= {t.id for t in node.targets if isinstance(t, ast.Name)}
                defined |= {e.id for t in node.targets if isinstance(t, ast.Tuple)
                            for e in t.elts if isinstance(e, ast.Name)}
        if defined & names:
            found |= defined & names
            sources.append(cell.source)
    missing = names - found
    if missing:
        raise LookupError(f"{path.name} defines none of {sorted(missing)} in a code cell")
    return sources


_NAMESPACE: dict | None = None


def chapter8() -> dict:
    """Chapter 8's imports, data, networks and training function, executed once per process."""
    global _NAMESPACE
    if _NAMESPACE is None:
        namespace: dict = {}
        wanted = {"device", "X_train", "ReferenceCNN", "conv_block", "BetterCNN", "train_cnn",
                  "BACKGROUND", "shifted", "BetterCNNWithGAP", "X_test_36", "ResidualBlock", "DeepCNN",
                  "gradient_ratio", "depth_run", "ingredient_run"}
        cwd = os.getcwd()
        os.chdir(CHAPTER8.parent)  # where the notebook runs
        try:
            for source in defining_cells(CHAPTER8, wanted):
                if "depth_table = " in source:  # the depth cell's functions, without its runs
                    source = source.split("depth_table = ")[0]
                exec(compile(source, str(CHAPTER8), "exec"), namespace)
            import torch
            namespace["memory_format"] = torch.channels_last  # as on the 2-core CPU the book is budgeted on
        finally:
            os.chdir(cwd)
        _NAMESPACE = namespace
    return _NAMESPACE


def _shift_accuracies(ns: dict, net, pixels=(2, 4)) -> dict:
    """Mean test accuracy (%) over shifts right and down, as the chapter's shift table."""
    import numpy as np
    out = {}
    for s in pixels:
        accuracies = [ns["evaluate"](net, ns["shifted"](ns["X_test"], s, d), ns["y_test"])[1]
                      for d in ("right", "down")]
        out[f"test accuracy at {s} px (%)"] = 100 * float(np.mean(accuracies))
    return out


def reference_cnn(seed: int, augment: bool = False) -> dict:
    """Tutorial 000's CNN as Chapter 8 trains it: Adam 1e-3, batch 64, 5 epochs (with shifts: augment)."""
    ns = chapter8()
    torch = ns["torch"]
    ns["seed_everything"](seed)
    net = ns["ReferenceCNN"]().to(ns["device"])
    ns["fit"](net, ns["X_train"], ns["y_train"], ns["X_val"], ns["y_val"],
              optimizer=torch.optim.Adam(net.parameters(), lr=1e-3),
              augment=ns["shift_up_to"](2) if augment else None,
              num_epochs=5, batch_size=64, seed=seed, progress=False)
    return {"test accuracy (%)": 100 * ns["evaluate"](net, ns["X_test"], ns["y_test"])[1],
            **_shift_accuracies(ns, net)}


def mlp(seed: int) -> dict:
    """The shift section's MLP 784-128-10: Adam 1e-3, batch 64, 5 epochs, no shifts."""
    ns = chapter8()
    torch, nn = ns["torch"], ns["nn"]
    ns["seed_everything"](seed)
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10)).to(ns["device"])
    ns["fit"](net, ns["X_train"], ns["y_train"], ns["X_val"], ns["y_val"],
              optimizer=torch.optim.Adam(net.parameters(), lr=1e-3),
              num_epochs=5, batch_size=64, seed=seed, progress=False)
    return {"test accuracy (%)": 100 * ns["evaluate"](net, ns["X_test"], ns["y_test"])[1],
            **_shift_accuracies(ns, net)}


def better_cnn(seed: int) -> dict:
    """The better CNN: train_cnn as the chapter calls it (Chapter 6's recipe, at most 10 epochs), channels-last."""
    ns = chapter8()
    torch = ns["torch"]
    ns["seed_everything"](seed)
    net = ns["BetterCNN"]().to(ns["device"], memory_format=torch.channels_last)
    history = ns["train_cnn"](net, seed=seed, progress=False)
    return {"validation accuracy (%)": 100 * history["best_val_acc"],
            "best epoch": history["best_epoch"],
            "test accuracy (%)": 100 * ns["evaluate"](net, ns["X_test"], ns["y_test"])[1],
            **_shift_accuracies(ns, net, pixels=(4,))}


def cnn_heads(seed: int) -> dict:
    """The better CNN with each head, one epoch on unshifted digits; accuracy at shifts and on 36x36 images."""
    ns = chapter8()
    torch = ns["torch"]
    metrics = {}
    for name, model_class in [("dense", ns["BetterCNN"]), ("gap", ns["BetterCNNWithGAP"])]:
        ns["seed_everything"](seed)
        net = model_class().to(ns["device"], memory_format=torch.channels_last)
        ns["train_cnn"](net, num_epochs=1, augment=None, seed=seed, progress=False)
        for key, value in _shift_accuracies(ns, net, pixels=(0, 2, 4)).items():
            metrics[f"{name}: {key}"] = value
        if name == "gap":
            metrics["gap: 36x36 test images (%)"] = 100 * ns["evaluate"](net, ns["X_test_36"], ns["y_test"])[1]
    return metrics


def deep_cnn(seed: int) -> dict:
    """The 17-convolution network in its five versions (the chapter's depth_run): gradient ratio before
    training, how far the first and last convolutions moved, accuracy after one epoch."""
    ns = chapter8()
    metrics = {}
    for name in ns["DEPTH_VERSIONS"]:
        row = ns["depth_run"](name, seed=seed)
        metrics[f"{name}: gradient ratio"] = row["gradient, first / last convolution (before training)"]
        metrics[f"{name}: first convolution moved (%)"] = row["first convolution moved (%)"]
        metrics[f"{name}: last convolution moved (%)"] = row["last convolution moved (%)"]
        metrics[f"{name}: validation accuracy (%)"] = row["validation accuracy after 1 epoch (%)"]
    return metrics


def better_cnn_ingredients(seed: int) -> dict:
    """The better CNN on the chapter's budget (ingredient_run), the full design and without each ingredient."""
    ns = chapter8()
    metrics = {"full design": ns["ingredient_run"](seed)}
    for ingredient in ns["WITHOUT"]:
        metrics[f"without {ingredient}"] = ns["ingredient_run"](seed, without=ingredient)
    return metrics


def numpy_cnn(seed: int) -> dict:
    """Chapter 7's NumPy CNN: 10,000 training images, 3 epochs of Adam (lr 0.003, batch 64)."""
    import numpy as np

    from nnbook.data import load_mnist_arrays, train_val_split
    from nnbook.numpy_cnn import ConvNet, train

    for source in defining_cells(CHAPTER7, {"as_images"}):  # the chapter's data cell
        namespace = {"np": np, "load_mnist_arrays": load_mnist_arrays, "train_val_split": train_val_split}
        exec(compile(source, str(CHAPTER7), "exec"), namespace)
    X_train, y_train = namespace["X_train"], namespace["y_train"]
    net = ConvNet(channels=8, seed=seed)
    history = train(net, X_train[:10_000], y_train[:10_000], lr=3e-3, num_epochs=3, batch_size=64,
                    X_val=namespace["X_val"], y_val=namespace["y_val"], seed=seed)
    return {"validation accuracy (%)": 100 * history["val_acc"][-1],
            "test accuracy (%)": 100 * net.accuracy(namespace["X_test"], namespace["y_test"])}


EXPERIMENTS = {
    "numpy_cnn": numpy_cnn,
    "reference_cnn": reference_cnn,
    "reference_cnn_shifted": lambda seed: reference_cnn(seed, augment=True),
    "mlp_shift": mlp,
    "better_cnn": better_cnn,
    "cnn_heads": cnn_heads,
    "deep_cnn": deep_cnn,
    "better_cnn_ingredients": better_cnn_ingredients,
}
