"""Notebook hygiene: every chapter is stored clean, listed in the book, and opens in Colab."""

import json
import re
from pathlib import Path

import pytest
import yaml

from tools import book  # tools/book.py

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = book.chapters()  # in the order of _toc.yml (tests/test_book.py: every notebook is listed)
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def load(path):
    return json.loads(path.read_text())


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_there_are_chapters():
    # the book has at least one chapter (an empty glob would make every test below vacuous)
    assert CHAPTERS, "no notebooks in chapters/"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_stored_without_outputs(path):
    # clean diffs: outputs and execution counts are made by the build, never committed
    dirty = [i for i, c in enumerate(load(path)["cells"])
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; run nbstripout on it"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_kernel_is_python3(path):
    # any other kernelspec name gives NoSuchKernel in nbval and in the build
    assert load(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_first_cell_installs_nnbook_in_colab_only(path):
    # Colab has no checkout: a hidden first cell installs nnbook from the book's repository, guarded
    first = load(path)["cells"][0]
    code = source(first)
    assert first["cell_type"] == "code"
    assert "remove-cell" in first.get("metadata", {}).get("tags", [])
    assert '"google.colab" in sys.modules' in code
    assert f"git+{CONFIG['repository']['url']}" in code, "run `make set-repository URL=...`"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_one_title(path):
    # one '#' title per notebook, in the first markdown cell
    markdown = [source(c) for c in load(path)["cells"] if c["cell_type"] == "markdown"]
    # lines inside fenced code (e.g. a comment in a solution's code) are not headings
    prose = [re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.M | re.S) for text in markdown]
    titles = [line for text in prose for line in text.splitlines() if re.match(r"# \S", line)]
    assert len(titles) == 1 and markdown[0].lstrip().startswith("# "), titles


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_learning_objectives_summary_and_exercises(path):
    # every chapter states what it teaches (one heading form for all), sums up, and has at least
    # 3 exercises, each with a solution: a {solution} text or reference code tagged `solution`
    cells = load(path)["cells"]
    text = "\n".join(source(c) for c in cells if c["cell_type"] == "markdown")
    assert re.search(r"^## What you will learn\s*$", text, re.M), "needs a '## What you will learn' heading"
    assert re.search(r"^## .*summary", text, re.I | re.M)
    exercises = re.findall(r"^[:`]{3,}\{exercise\}", text, re.M)
    labels = re.findall(r"^[:`]{3,}\{exercise\}\s*\n:label: (\S+)", text, re.M)
    assert len(exercises) >= 3 and len(labels) == len(exercises)
    solved, current = set(), None
    for cell in cells:
        label = re.search(r"^[:`]{3,}\{exercise\}\s*\n:label: (\S+)", source(cell), re.M)
        if label:
            current = label.group(1)
        solved.update(re.findall(r"^[:`]{3,}\{solution\} (\S+)", source(cell), re.M))
        if cell["cell_type"] == "code" and "solution" in cell["metadata"].get("tags", []) and current:
            solved.add(current)
    assert solved == set(labels), f"exercises without a solution: {set(labels) - solved}"


def test_exercise_labels_are_unique_across_the_book():
    # sphinx labels are global: two chapters must not reuse one
    labels = []
    for path in CHAPTERS:
        text = "\n".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "markdown")
        labels += re.findall(r"^:label: (\S+)", text, re.M)
    assert len(labels) == len(set(labels))


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_last_code_cell_reports_results(path):
    # the chapter ends by reporting its headline numbers under its own name
    code = [source(c) for c in load(path)["cells"] if c["cell_type"] == "code"]
    assert re.search(rf"report\(\s*[\"']{path.stem}[\"']", code[-1]), "last code cell must call report()"
