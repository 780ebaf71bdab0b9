"""The book's tools: pointing the book at a fork, and the benchmark runner."""

import importlib.util
import json
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_tool(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


COLAB_CELL = ('import subprocess, sys\nif "google.colab" in sys.modules:\n'
              '    subprocess.run([sys.executable, "-m", "pip", "install", "-q",\n'
              '                    "nnbook @ git+https://github.com/nnbook/nnbook"], check=True)')


@pytest.fixture
def book(tmp_path):
    """A copy of _config.yml and one chapter whose first cell is the Colab install cell."""
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    (tmp_path / "chapters").mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(COLAB_CELL), nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(notebook, tmp_path / "chapters" / "01_x.ipynb")
    return tmp_path


def test_set_repository_changes_config_and_colab_cells(book):
    # one command points launch buttons and every Colab install cell at the fork
    set_repository = load_tool("set_repository").set_repository
    set_repository("https://github.com/someone/my-nnbook.git", root=book)
    assert "url: https://github.com/someone/my-nnbook\n" in (book / "_config.yml").read_text()
    first = nbformat.read(book / "chapters" / "01_x.ipynb", as_version=4).cells[0].source
    assert "git+https://github.com/someone/my-nnbook\"" in first


def test_set_repository_rejects_non_github_url(book):
    # Colab's launch button opens GitHub repositories only
    set_repository = load_tool("set_repository").set_repository
    with pytest.raises(ValueError, match="URL must look like https://github.com/OWNER/REPO"):
        set_repository("gitlab.com/me/nnbook", root=book)


def test_bench_records_time_and_reported_numbers(tmp_path):
    # a chapter run in a fresh kernel yields its wall-clock seconds and the numbers it reported
    bench = load_tool("bench")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(
        "from nnbook.results import report\nreport('77_tiny', [{'name': 'answer', 'value': 6 * 7}])")]
    path = tmp_path / "77_tiny.ipynb"
    nbformat.write(notebook, path)
    outcome = bench.run_chapter(path, tmp_path / "results")
    assert outcome["status"] == "ok" and outcome["seconds"] > 0
    assert outcome["results"][0]["value"] == 42


def test_bench_records_a_failing_chapter(tmp_path):
    # a cell that raises is reported as an error, not as a result
    bench = load_tool("bench")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell("1 / 0")]
    path = tmp_path / "78_broken.ipynb"
    nbformat.write(notebook, path)
    outcome = bench.run_chapter(path, tmp_path / "results")
    assert outcome["status"] == "error" and "ZeroDivisionError" in outcome["error"]
    assert outcome["results"] == []
