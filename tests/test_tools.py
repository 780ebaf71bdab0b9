"""The book's tools: pointing the book at a fork, and the benchmark runner."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import bench
from tools.set_repository import set_repository

ROOT = Path(__file__).resolve().parents[1]

COLAB_CELL = ('import subprocess, sys\nif "google.colab" in sys.modules:\n'
              '    subprocess.run([sys.executable, "-m", "pip", "install", "-q",\n'
              '                    "nnbook @ git+https://github.com/nnbook/nnbook"], check=True)')


def write_notebook(path, *sources):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def book(tmp_path):
    """A copy of _config.yml and of the tool (with the one stdlib-only module it imports, nnbook.files),
    and one chapter whose first cell is the Colab install cell."""
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    for package, module in [("tools", "__init__.py"), ("tools", "set_repository.py"),
                            ("nnbook", "__init__.py"), ("nnbook", "files.py")]:
        (tmp_path / package).mkdir(exist_ok=True)
        shutil.copy(ROOT / package / module, tmp_path / package)
    (tmp_path / "chapters").mkdir()
    write_notebook(tmp_path / "chapters" / "01_x.ipynb", COLAB_CELL, "x = 1")
    return tmp_path


# --- set_repository ---------------------------------------------------------------------------

def test_set_repository_changes_config_and_colab_cells_only(book):
    # one command points launch buttons and every Colab install cell at the fork, and changes nothing else
    config_before = (book / "_config.yml").read_text()
    notebook_before = (book / "chapters" / "01_x.ipynb").read_text()
    set_repository("https://github.com/someone/my-nnbook.git", root=book)
    config_after = (book / "_config.yml").read_text()
    notebook_after = (book / "chapters" / "01_x.ipynb").read_text()
    assert config_after == config_before.replace("url: https://github.com/nnbook/nnbook\n",
                                                 "url: https://github.com/someone/my-nnbook\n").replace(
        "baseurl: https://nnbook.github.io/nnbook/\n", "baseurl: https://someone.github.io/my-nnbook/\n")
    assert notebook_after == notebook_before.replace("git+https://github.com/nnbook/nnbook",
                                                     "git+https://github.com/someone/my-nnbook")
    assert notebook_after != notebook_before


def test_set_repository_with_a_branch_points_the_buttons_at_it(book):
    # an instructor who publishes the student edition on a `student` branch
    config_before = (book / "_config.yml").read_text()
    set_repository("https://github.com/me/course", root=book, branch="student")
    config_after = (book / "_config.yml").read_text()
    assert config_after == config_before.replace("url: https://github.com/nnbook/nnbook\n",
                                                 "url: https://github.com/me/course\n").replace(
        "  branch: notebooks\n", "  branch: student\n").replace(
        "baseurl: https://nnbook.github.io/nnbook/\n", "baseurl: https://me.github.io/course/\n")


@pytest.mark.parametrize("url, pages", [
    ("https://github.com/nnbook/nnbook", "https://nnbook.github.io/nnbook/"),
    ("https://github.com/Some-One/My.Book", "https://some-one.github.io/My.Book/"),   # host in lower case
    ("https://github.com/me/me.github.io", "https://me.github.io/"),                  # a user site
])
def test_the_published_book_is_the_repository_s_github_pages_site(book, url, pages):
    # the reader's edition links {doc}/{ref} targets to html.baseurl: it follows the repository
    set_repository(url, root=book)
    assert f"  baseurl: {pages}\n" in (book / "_config.yml").read_text()


def test_set_repository_needs_the_baseurl_setting(book):
    config = book / "_config.yml"
    config.write_text(config.read_text().replace("  baseurl:", "  base_url:"))
    with pytest.raises(ValueError, match="no `baseurl:` under `html:`"):
        set_repository("https://github.com/me/course", root=book)
    assert "url: https://github.com/nnbook/nnbook\n" in config.read_text()   # nothing written


@pytest.mark.parametrize("branch", ["two words", "", "a;rm -rf"])
def test_set_repository_rejects_a_bad_branch(book, branch):
    with pytest.raises(ValueError, match="BRANCH must be a git branch name"):
        set_repository("https://github.com/me/course", root=book, branch=branch)


def test_set_repository_twice_moves_from_the_configured_url(book):
    # the URL to replace is read from _config.yml, so a second fork replaces the first
    set_repository("https://github.com/a/one", root=book)
    assert set_repository("https://github.com/b/two", root=book) == [book / "_config.yml",
                                                                    book / "chapters" / "01_x.ipynb"]
    first_cell = nbformat.read(book / "chapters" / "01_x.ipynb", as_version=4).cells[0].source
    assert first_cell == COLAB_CELL.replace("nnbook/nnbook", "b/two")


def test_set_repository_fails_when_a_chapter_does_not_install_from_the_config_url(book):
    # a chapter whose install cell names another URL would keep pointing elsewhere: say which one
    write_notebook(book / "chapters" / "02_y.ipynb", COLAB_CELL.replace("nnbook/nnbook", "else/where"), "y = 2")
    with pytest.raises(RuntimeError, match=r"do not point at https://github.com/me/fork: chapters/02_y.ipynb"):
        set_repository("https://github.com/me/fork", root=book)


def test_set_repository_rejects_non_github_url(book):
    # Colab's launch button opens GitHub repositories only
    with pytest.raises(ValueError, match="URL must look like https://github.com/OWNER/REPO"):
        set_repository("gitlab.com/me/nnbook", root=book)


def test_set_repository_runs_on_plain_python(book):
    # `python -S` sees no installed packages (no PyYAML, nbformat or torch, not even nnbook): the tool,
    # run as the Makefile runs it, still works from a checkout
    run = subprocess.run([sys.executable, "-S", "-m", "tools.set_repository", "https://github.com/me/fork"],
                         capture_output=True, text=True, cwd=book, env={"PATH": os.environ.get("PATH", "")})
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["updated _config.yml", "updated chapters/01_x.ipynb"]


# --- bench ------------------------------------------------------------------------------------

def test_bench_records_time_and_reported_numbers(tmp_path, capfd):
    # a chapter run in a fresh kernel yields its seconds and the numbers it reported, and the
    # kernel's log has no warning about unencrypted TCP (it talks over IPC)
    path = write_notebook(tmp_path / "77_tiny.ipynb",
                          "from nnbook.results import report\nreport('77_tiny', [{'name': 'answer', 'value': 6 * 7}])")
    outcome = bench.run_chapter(path, tmp_path / "results", timeout=60)
    assert outcome["status"] == "ok" and outcome["seconds"] > 0
    assert outcome["results"][0]["value"] == 42
    assert "without encryption" not in capfd.readouterr().err


@pytest.mark.parametrize("source, error", [
    ("1 / 0", "ZeroDivisionError"),
    ("x = 1", "recorded no results: no report('78_chapter', ...) wrote 78_chapter.json"),
    ("from nnbook.results import report\nreport('another_name', [{'name': 'a', 'value': 1}])", "recorded no results"),
    ("import time\ntime.sleep(30)", "CellTimeoutError"),
])
def test_bench_fails_a_chapter_that_raises_or_records_nothing(tmp_path, source, error):
    # a cell that raises or runs past the timeout, or a chapter that reports nothing under its name, is an error
    path = write_notebook(tmp_path / "78_chapter.ipynb", source)
    outcome = bench.run_chapter(path, tmp_path / "results", timeout=5)
    assert outcome["status"] == "error" and error in outcome["error"]
    assert outcome["results"] == [] or "another_name" not in str(outcome["results"])


def test_bench_does_not_take_an_earlier_runs_results_for_this_ones(tmp_path):
    # make bench keeps its results folder (a chapter benched alone reads earlier ones' results there):
    # a chapter that reports nothing this time fails even though an earlier run left its file
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "78_chapter.json").write_text('{"results": [{"name": "a", "value": 1}]}')
    outcome = bench.run_chapter(write_notebook(tmp_path / "78_chapter.ipynb", "x = 1"), tmp_path / "results", timeout=30)
    assert outcome["status"] == "error" and "recorded no results" in outcome["error"]


def test_bench_fails_a_chapter_that_misses_a_target(tmp_path):
    path = write_notebook(tmp_path / "79_targets.ipynb",
                          "from nnbook.results import report\n"
                          "report('79_targets', [{'name': 'accuracy', 'value': 97.0, 'unit': '%', 'target': '≥ 98.5%'},\n"
                          "                      {'name': 'error', 'value': 1e-9, 'target': '< 1e-6'}])")
    outcome = bench.run_chapter(path, tmp_path / "results", timeout=60)
    assert outcome["status"] == "missed target"
    assert outcome["error"] == "accuracy = 97 (target ≥ 98.5%)"


def test_bench_survives_an_exception_without_message(tmp_path, monkeypatch):
    # an exception whose message is empty is recorded by its type instead of crashing the bench
    class SilentClient:
        def __init__(self, *args, **kwargs):
            pass

        def execute(self):
            raise RuntimeError()

    monkeypatch.setattr(bench, "NotebookClient", SilentClient)
    outcome = bench.run_chapter(write_notebook(tmp_path / "79_x.ipynb", "x = 1"), tmp_path, timeout=5)
    assert outcome["status"] == "error" and outcome["error"] == "RuntimeError"


def test_bench_cell_timeout_is_the_book_builds(tmp_path):
    # the bench reads `execute: timeout:` from _config.yml, and fails loudly when it is not set
    (tmp_path / "_config.yml").write_text("execute:\n  timeout: 123\n")
    assert bench.cell_timeout(tmp_path / "_config.yml") == 123
    (tmp_path / "_config.yml").write_text("execute:\n  execute_notebooks: force\n")
    with pytest.raises(ValueError, match="must set execute: timeout:"):
        bench.cell_timeout(tmp_path / "_config.yml")


# --- dependencies -----------------------------------------------------------------------------

OPTIONAL_IMPORTS = {"myst_nb"}  # results.glue uses it in the book build only, under `except ImportError`


def imported_top_level_modules(source: str) -> set[str]:
    """The top-level modules that `import` statements in source name (absolute imports only)."""
    import ast

    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
    return modules


def test_chapters_and_package_import_only_declared_dependencies():
    # Colab installs nnbook with the dependencies pyproject.toml declares, and nothing else:
    # every module a chapter or the package imports is in the standard library or declared there
    import importlib.metadata
    import re
    import tomllib

    declared = {re.split(r"[<>=!~ \[;]", requirement)[0].lower()
                for requirement in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}
    sources = [path.read_text() for path in (ROOT / "nnbook").glob("*.py")]
    for path in (ROOT / "chapters").glob("*.ipynb"):
        cells = nbformat.read(path, as_version=4).cells
        sources += ["\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
                    for cell in cells if cell.cell_type == "code"]
    modules = set().union(*map(imported_top_level_modules, sources))
    modules -= set(sys.stdlib_module_names) | {"nnbook"} | OPTIONAL_IMPORTS
    distributions = importlib.metadata.packages_distributions()
    undeclared = {module: distributions.get(module) for module in modules
                  if not declared & {name.lower() for name in distributions.get(module, [module])}}
    assert not undeclared, f"imported but not in pyproject.toml's dependencies: {undeclared}"
