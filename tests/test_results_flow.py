"""Results that one chapter records and a later one shows (Chapter 6's final table shows Chapter 5's).

Every build records the chapters' results where the reading chapter looks for them; a reader lists the
chapters it reads in its notebook metadata (nnbook.reads_results), and tools/stale_readers.py runs it
again in `make book` when one of them ran again. In a build a missing row is an error
(nnbook.results.recorded_results(chapter, names=...)), so `make test`, which runs every chapter in
order with NNBOOK_RESULTS_DIR set, fails when a reader does not find every row it needs."""
import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from tools import book, stale_readers

ROOT = Path(__file__).resolve().parents[1]
CALL = re.compile(r"""recorded_results\(\s*["']([^"']+)["']""")
REPORT = re.compile(r"""report\(\s*["']([^"']+)["']""")


def code(path):
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")


def test_readers_declare_every_chapter_they_read_and_read_only_earlier_ones():
    # the metadata lists exactly the chapters whose results the code reads; each comes earlier in the
    # book and sorts earlier (Sphinx executes pages in sorted order), and records under that name
    chapters = book.chapters()
    names = [path.stem for path in chapters]
    readers = 0
    for position, path in enumerate(chapters):
        declared = stale_readers.reads(nbformat.read(path, as_version=4))
        assert set(CALL.findall(code(path))) == set(declared), path.name
        for source in declared:
            assert source in names[:position] and source < path.stem, (path.name, source)
            assert source in REPORT.findall(code(chapters[names.index(source)])), source
        readers += bool(declared)
    assert readers, "no chapter reads another's results: the final table has lost its inputs"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target, runs, folder", [
    ("book", "jupyter-book build", "_build/results"), ("book-all", "jupyter-book build", "_build/results"),
    ("bench", "-m tools.bench", "_build/bench-results"), ("test", "-m pytest", "_build/test-results")])
def test_every_build_records_results_where_its_readers_read_them(target, runs, folder):
    # each make target that runs chapters gives them one NNBOOK_RESULTS_DIR (report writes, recorded_results
    # reads); the GitHub workflows and .ci/run call these targets
    dry_run = subprocess.run(["make", "-n", "-o", ".venv/.installed", target], cwd=ROOT, capture_output=True,
                             text=True, timeout=60).stdout
    (line,) = [line for line in dry_run.splitlines() if runs in line]
    assert f"NNBOOK_RESULTS_DIR={ROOT / folder} " in line
    if target.startswith("book"):
        assert "-m tools.stale_readers after" in dry_run


# ----- tools/stale_readers.py on a small book with a real execution cache ----------------------
def small_book(root):
    (root / "chapters").mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n"
                                   "  - file: chapters/01_a\n  - file: chapters/02_b\n")
    for name, source, reads in [("01_a", "report('01_a', rows)", []),
                                ("02_b", "recorded_results('01_a')", ["01_a"])]:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.metadata["nnbook"] = {"reads_results": reads}
        nbformat.write(nb, root / "chapters" / f"{name}.ipynb")


def cache_run(cache, root, name):
    """Put an executed copy of a chapter in the cache, as the book build does when it runs it."""
    nb = nbformat.read(root / "chapters" / f"{name}.ipynb", as_version=4)
    nb.cells[0].execution_count = 1
    path = root / f"executed_{name}.ipynb"
    nbformat.write(nb, path)
    cache.cache_notebook_file(str(path), uri=str(root / "chapters" / f"{name}.ipynb"), overwrite=True)


def record(results, chapter, value):
    results.mkdir(exist_ok=True)
    (results / f"{chapter}.json").write_text(json.dumps({"chapter": chapter, "time": "now",
                                                        "results": [{"name": "a", "value": value}]}))


def test_a_reader_runs_again_when_what_it_read_changes(tmp_path):
    from jupyter_cache import get_cache
    small_book(tmp_path)
    cache_folder, results, read_all = tmp_path / "_build" / ".jupyter_cache", tmp_path / "results", tmp_path / "read-all"
    cache = get_cache(cache_folder)
    for name in ("01_a", "02_b"):
        cache_run(cache, tmp_path, name)
    record(results, "01_a", 1.0)

    def before():
        read_all.unlink(missing_ok=True)
        return stale_readers.before(cache_folder, results, read_all, root=tmp_path)

    assert before() == ["02_b"]            # cached before any digest of what it read was stored
    assert read_all.exists()               # Sphinx must read every page again, or 02_b is not executed
    cache_run(cache, tmp_path, "02_b")
    stale_readers.after(cache_folder, results, root=tmp_path)
    assert before() == [] and not read_all.exists()

    record(results, "01_a", 2.0)           # another run of 01_a recorded other numbers
    assert before() == ["02_b"]
    cache_run(cache, tmp_path, "02_b")
    stale_readers.after(cache_folder, results, root=tmp_path)
    assert before() == []

    (results / "01_a.json").unlink()       # the results are gone while 01_a stays cached: both run again
    assert before() == ["01_a", "02_b"]
    for name in ("01_a", "02_b"):
        cache_run(cache, tmp_path, name)
    record(results, "01_a", 2.0)
    stale_readers.after(cache_folder, results, root=tmp_path)

    nb = nbformat.read(tmp_path / "chapters" / "01_a.ipynb", as_version=4)
    nb.cells[0].source += "  # changed"    # 01_a's code changed: it runs in this build, so 02_b after it
    nbformat.write(nb, tmp_path / "chapters" / "01_a.ipynb")
    assert before() == ["02_b"]
