"""Chapter 6 quotes seed spreads recorded by tools/seed_spread.py (a chapter cannot afford five seeds
of every training on all the data); the numbers it types must be the recorded ones, bench/spread/*.json."""
import ast
import json
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {"recipe": "mnist_full_recipe", "recipe without cosine": "mnist_recipe_no_cosine",
           "Adam alone": "mnist_adam_alone"}


def recorded_in_chapter():
    """The dict literal `recorded = {...}` of Chapter 6's code."""
    nb = nbformat.read(ROOT / "chapters" / "06_training_practice.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "recorded = {" in cell.source:
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "recorded":
                    return ast.literal_eval(node.value)
    raise AssertionError("Chapter 6 has no cell with `recorded = {...}`")


def test_chapter_6_quotes_the_recorded_seeds():
    # each list equals the test accuracies of seeds 0..4 in its bench/spread file, to the 2 decimals printed
    recorded = recorded_in_chapter()
    assert set(recorded) == set(SOURCES)
    for name, experiment in SOURCES.items():
        runs = json.loads((ROOT / "bench" / "spread" / f"{experiment}.json").read_text())["runs"]
        assert [run["seed"] for run in runs] == list(range(len(runs)))
        assert recorded[name] == [round(run["metrics"]["test accuracy"], 2) for run in runs], name
