"""Notebooks made from the real chapters for the grader's and the student edition's tests:
the student edition as `make student` writes it, and the same with every stub replaced by the
chapter's reference solution (what a student who solved everything hands in)."""
from pathlib import Path

import nbformat
import yaml

from tools.make_student import BEGIN, END, nbgrader, student_notebook


def source(path):
    return nbformat.read(path, as_version=4)


def student(path):
    """The student edition of the chapter at `path`."""
    return student_notebook(source(path), Path(path).name)


def answer_cells(nb):
    """The student edition's answer cells (nbgrader's solution cells), in order."""
    return [cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("solution")]


def _cell(nb, kind, key):
    wanted = nbgrader(kind, key)["grade_id"]
    cells = [cell for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("grade_id") == wanted]
    assert len(cells) == 1, f"no single {kind} cell for exercise {key}"
    return cells[0]


def answer_cell(nb, key):
    """The answer cell of exercise `key` (its nbgrader grade_id names the exercise)."""
    return _cell(nb, "answer", key)


def check_cell(nb, key):
    """The cell that calls exercise `key`'s check."""
    return _cell(nb, "check", key)


def reference_solutions(path):
    """The reference code of each solution cell of the source, markers removed, in order."""
    return ["\n".join(line for line in cell.source.split("\n") if line.strip() not in (BEGIN, END))
            for cell in source(path).cells
            if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", []) and BEGIN in cell.source]


def solved(path):
    """The student edition with every stub replaced by the reference solution."""
    nb = student(path)
    stubs, references = answer_cells(nb), reference_solutions(path)
    assert len(stubs) == len(references), "a stub for each marked solution"
    for cell, reference in zip(stubs, references):
        cell.source = reference
    return nb


def write(nb, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


class Anything(dict):
    """A stand-in for the build's glue values, labels and pages (`make student` and `make notebooks`
    read them from `make book`): every key has one, `value(key)`."""

    def __init__(self, value):
        super().__init__()
        self.value = value

    def __contains__(self, key):
        return True

    def __getitem__(self, key):
        return self.value(key)

    def get(self, key, default=None):   # glue.get(page): every page's values
        return self


CONFIG = yaml.safe_load((Path(__file__).resolve().parents[1] / "_config.yml").read_text())
URL = CONFIG["repository"]["url"]
# the hidden first cell every chapter carries: it installs nnbook in Colab only
INSTALL = ('import subprocess, sys\nif "google.colab" in sys.modules:\n'
           '    subprocess.run([sys.executable, "-m", "pip", "install", "-q",\n'
           f'                    "nnbook @ git+{URL}"], check=True)')
