"""tools/spread/cnn.py takes Chapter 7's and 8's code from the notebooks: the cells it needs are there."""
from pathlib import Path

import nbformat
import pytest

from tools.spread import cnn

ROOT = Path(__file__).resolve().parents[1]

CHAPTER8_NAMES = {"device", "X_train", "ReferenceCNN", "conv_block", "BetterCNN", "train_cnn", "BACKGROUND",
                  "shifted", "BetterCNNWithGAP", "X_test_36", "ResidualBlock", "DeepCNN", "gradient_ratio",
                  "depth_run", "ingredient_run"}


def test_every_name_the_experiments_use_is_defined_by_a_chapter_cell():
    # the experiments run the chapter's own definitions; a renamed class must fail here, not in a sweep
    cells = cnn.defining_cells(cnn.CHAPTER8, CHAPTER8_NAMES)
    assert any("class BetterCNN(nn.Module)" in source for source in cells)
    assert cnn.defining_cells(cnn.CHAPTER7, {"as_images"})


def test_the_cells_taken_from_chapter_8_train_nothing():
    # executing them must only define things: no call to fit or train_cnn at the top level
    for source in cnn.defining_cells(cnn.CHAPTER8, CHAPTER8_NAMES):
        source = source.split("depth_table = ")[0]  # chapter8() runs the depth cell's definitions only
        top_level = [line for line in source.splitlines() if line and not line.startswith((" ", "#", ")"))]
        assert not any(line.startswith(("fit(", "history", "train_cnn(")) for line in top_level), source


def test_a_name_no_cell_defines_fails_loudly(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("a = 1\ndef f():\n    pass")]
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    assert len(cnn.defining_cells(path, {"a", "f"})) == 1
    with pytest.raises(LookupError, match=r"defines none of \['g'\]"):
        cnn.defining_cells(path, {"a", "g"})


def test_experiments_are_registered():
    assert {"numpy_cnn", "reference_cnn", "reference_cnn_shifted", "mlp_shift", "better_cnn", "cnn_heads",
            "deep_cnn", "better_cnn_ingredients"} <= set(cnn.EXPERIMENTS)
