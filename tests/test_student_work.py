"""A student's work is never lost (issue 26): the editions are outputs, Jupyter's checkpoints do not
break them, a file a person changed is moved aside and never overwritten, and the student's own
copy (make workspace) keeps every edit across new editions.

End to end on a small book: one chapter, and the files of a build that the editions read (glue,
objects.inv, the build record, the download button's copy), written here instead of by a 15-minute
Jupyter Book build. The commands are the tools' own entry points, as `make` runs them.
"""
import json
import shutil
import subprocess
import sys
import zlib

import nbformat
import pytest
import yaml

from tools import make_notebooks, publish_edition
from tools.outputs import ASIDE, RECORD, Outputs
from tools.outputs import main as outputs_main
from tools.workspace import update_workspace

from editions import INSTALL  # the chapters' hidden install cell

ROOT = make_notebooks.ROOT
DOC = "chapters/01_neuron"
ANSWER = "my_answer = 42  # a student's own cell"


def chapter(text="Its first paragraph."):
    nb = nbformat.v4.new_notebook()
    install = nbformat.v4.new_code_cell(INSTALL)
    install.metadata["tags"] = ["remove-cell"]
    nb.cells = [install, nbformat.v4.new_markdown_cell(f"# A neuron\n\n{text}"), nbformat.v4.new_code_cell("x = 1")]
    return nb


def inventory(docs):
    body = "".join(f"{name} std:doc -1 {name}.html {title}\n" for name, title in docs.items())
    return (b"# Sphinx inventory version 2\n# Project: test\n# Version: \n"
            b"# The remainder of this file is compressed using zlib.\n" + zlib.compress(body.encode()))


def build(root, text="Its first paragraph."):
    """What `make book` leaves that the editions read: the chapter as executed, objects.inv, the record."""
    nbformat.write(chapter(text), root / f"{DOC}.ipynb")
    built = root / "_build"
    (built / "jupyter_execute" / "chapters").mkdir(parents=True, exist_ok=True)
    nbformat.write(chapter(text), built / "jupyter_execute" / f"{DOC}.ipynb")
    (built / "html" / "_sources" / "chapters").mkdir(parents=True, exist_ok=True)
    (built / "html" / "objects.inv").write_bytes(inventory({"index": "The book", DOC: "A neuron"}))
    nbformat.write(chapter(text), built / "html" / "_sources" / f"{DOC}.ipynb")
    make_notebooks.record_build(root)


@pytest.fixture
def book(tmp_path):
    (tmp_path / "_config.yml").write_text((ROOT / "_config.yml").read_text())
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump(
        {"format": "jb-book", "root": "index", "parts": [{"numbered": True, "chapters": [{"file": DOC}]}]}))
    (tmp_path / "chapters").mkdir()
    build(tmp_path)
    return tmp_path


def edit_in_jupyter(path):
    """What a student working in Jupyter leaves: a cell added, saved, and Jupyter's checkpoint of it."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(ANSWER))
    nbformat.write(nb, path)
    checkpoints = path.parent / ".ipynb_checkpoints"
    checkpoints.mkdir(exist_ok=True)
    nbformat.write(nb, checkpoints / f"{path.stem}-checkpoint.ipynb")


def holds_answer(path):
    return ANSWER in path.read_text()


@pytest.mark.parametrize("edition, flags", [("notebooks", ["--downloads"]), ("student", ["--student"])])
def test_an_edited_edition_survives_make_notebooks_and_the_checkpoints_do_not_break_it(book, capsys, edition, flags):
    make_notebooks.main([*flags, "--root", str(book)])
    written = book / "_build" / edition / f"{DOC}.ipynb"
    edit_in_jupyter(written)
    make_notebooks.main([*flags, "--root", str(book)])     # the second run succeeds (no SystemExit)
    kept = book / ASIDE / "_build" / edition / f"{DOC}.ipynb"
    said = capsys.readouterr().out
    assert f"_build/{edition}/{DOC}.ipynb was changed since it was written: moved to {ASIDE}/_build/{edition}/{DOC}.ipynb" in said
    assert holds_answer(kept)
    assert not holds_answer(written) and Outputs(written.parents[1], book).is_ours(written)
    assert not (book / "_build" / "html" / "_sources" / "chapters" / ".ipynb_checkpoints").exists()
    make_notebooks.main([*flags, "--root", str(book)])     # unchanged since: written again, nothing moved
    assert "moved to" not in capsys.readouterr().out
    assert [p.name for p in kept.parent.iterdir()] == [kept.name]


def test_a_notebook_a_student_made_in_the_edition_is_neither_published_nor_deleted_by_clean(book, capsys):
    for folder, name in [("nnbook", "__init__.py"), ("binder", "requirements.txt"), (".", "pyproject.toml"),
                         (".", "README.md")]:
        (book / folder).mkdir(exist_ok=True)
        (book / folder / name).write_text("")
    make_notebooks.main(["--root", str(book)])
    edition = book / "_build" / "notebooks"
    (edition / "chapters" / "Untitled.ipynb").write_text(ANSWER)
    assert "chapters/01_neuron.ipynb" in publish_edition.stage(edition, book / "staged", root=book)
    assert not (book / "staged" / "chapters" / "Untitled.ipynb").exists()
    edit_in_jupyter(edition / f"{DOC}.ipynb")
    with pytest.raises(ValueError, match=f"changed or missing since the edition was written: .*{DOC}.ipynb"):
        publish_edition.stage(edition, book / "staged-again", root=book)
    outputs_main(["aside", "_build/notebooks", "_build/student"], root=book)   # what make clean runs first
    said = capsys.readouterr().out
    assert "Untitled.ipynb" in said and "01_neuron.ipynb" in said and "checkpoint" not in said
    assert holds_answer(book / ASIDE / "_build" / "notebooks" / "chapters" / "Untitled.ipynb")
    assert holds_answer(book / ASIDE / "_build" / "notebooks" / f"{DOC}.ipynb")
    assert Outputs(edition, book).edited() == []


def test_the_workspace_keeps_every_edit_across_new_editions(book):
    """The README's instructions twice, with a new version of the book between them."""
    make_notebooks.main(["--downloads", "--root", str(book)])
    mine = book / "my-notebooks"
    assert update_workspace(book / "_build" / "notebooks", mine, book) == ["01_neuron.ipynb: copied"]
    edit_in_jupyter(mine / "01_neuron.ipynb")
    assert update_workspace(book / "_build" / "notebooks", mine, book) == []   # no newer edition yet
    assert not (mine / "01_neuron-new.ipynb").exists()

    build(book, "A newer paragraph.")                      # a pull, then make book notebooks
    make_notebooks.main(["--downloads", "--root", str(book)])
    said = update_workspace(book / "_build" / "notebooks", mine, book)
    assert said == ["01_neuron.ipynb: yours is kept (you changed it); the newer edition is beside it: "
                    "01_neuron-new.ipynb"]
    assert holds_answer(mine / "01_neuron.ipynb")
    assert "A newer paragraph." in (mine / "01_neuron-new.ipynb").read_text()

    build(book, "The newest paragraph.")                   # -new untouched by the student: replaced
    make_notebooks.main(["--downloads", "--root", str(book)])
    update_workspace(book / "_build" / "notebooks", mine, book)
    assert "The newest paragraph." in (mine / "01_neuron-new.ipynb").read_text()
    assert holds_answer(mine / "01_neuron.ipynb")

    edit_in_jupyter(mine / "01_neuron-new.ipynb")          # -new edited too: nothing is overwritten
    build(book, "Yet another paragraph.")
    make_notebooks.main(["--downloads", "--root", str(book)])
    said = update_workspace(book / "_build" / "notebooks", mine, book)
    assert said == ["01_neuron.ipynb: yours is kept; the newer edition is NOT copied, because "
                    "01_neuron-new.ipynb was edited too (rename it, then run this again)"]
    assert holds_answer(mine / "01_neuron.ipynb") and holds_answer(mine / "01_neuron-new.ipynb")
    assert sorted(p.name for p in mine.iterdir()) == sorted([RECORD, ".ipynb_checkpoints", "01_neuron.ipynb",
                                                             "01_neuron-new.ipynb"])


def test_a_workspace_chapter_the_student_did_not_change_is_updated(book):
    make_notebooks.main(["--root", str(book)])
    mine = book / "my-notebooks"
    update_workspace(book / "_build" / "notebooks", mine, book)
    assert update_workspace(book / "_build" / "notebooks", mine, book) == []
    build(book, "A newer paragraph.")
    make_notebooks.main(["--root", str(book)])
    assert update_workspace(book / "_build" / "notebooks", mine, book) == [
        "01_neuron.ipynb: you had not changed it: replaced by the newer edition"]
    assert "A newer paragraph." in (mine / "01_neuron.ipynb").read_text()
    assert not (mine / "01_neuron-new.ipynb").exists()


def test_the_workspace_needs_the_edition(book):
    with pytest.raises(FileNotFoundError, match="run `make book notebooks` first"):
        update_workspace(book / "_build" / "notebooks", book / "my-notebooks", book)


def test_the_record_names_what_was_written(book):
    make_notebooks.main(["--student", "--root", str(book)])
    record = json.loads((book / "_build" / "student" / RECORD).read_text())
    assert sorted(record) == [f"{DOC}.ipynb", "nbgrader-source/01_neuron.ipynb"]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_clean_moves_edited_files_out_of_build_before_deleting_it(tmp_path):
    for name in ("tools", "nnbook"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "Makefile", tmp_path)
    outputs = Outputs(tmp_path / "_build" / "notebooks", tmp_path)
    outputs.write(f"{DOC}.ipynb", "as written\n")
    outputs.write("chapters/02_x.ipynb", "as written\n")
    (tmp_path / "_build" / "notebooks" / f"{DOC}.ipynb").write_text(ANSWER)
    (tmp_path / "my-notebooks").mkdir()
    (tmp_path / "my-notebooks" / "01_neuron.ipynb").write_text(ANSWER)
    run = subprocess.run(["make", "clean", f"PYTHON={sys.executable}"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert f"clean: _build/notebooks/{DOC}.ipynb was changed since it was written: moved to " \
           f"{ASIDE}/_build/notebooks/{DOC}.ipynb" in run.stdout
    assert not (tmp_path / "_build").exists()
    assert holds_answer(tmp_path / ASIDE / "_build" / "notebooks" / f"{DOC}.ipynb")
    assert holds_answer(tmp_path / "my-notebooks" / "01_neuron.ipynb")
    assert not (tmp_path / ASIDE / "_build" / "notebooks" / "chapters" / "02_x.ipynb").exists()
