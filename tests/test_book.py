"""tools/book.py: the book's pages and chapters in the order of _toc.yml, the list every tool reads."""
from pathlib import Path

import pytest

from tools import book

ROOT = Path(__file__).resolve().parents[1]


def write_toc(folder, body):
    (folder / "_toc.yml").write_text("format: jb-book\nroot: index\n" + body)
    return folder


def test_pages_are_the_root_then_every_file_depth_first(tmp_path):
    # parts, chapters and sections in reading order, extensions dropped, as Sphinx names documents
    write_toc(tmp_path, "parts:\n"
                        "  - caption: A\n    chapters:\n      - file: notation.md\n"
                        "  - caption: B\n    chapters:\n"
                        "      - file: chapters/01_x\n        sections:\n          - file: chapters/01_y.ipynb\n"
                        "      - file: chapters/02_z\n")
    assert book.pages(tmp_path) == ["index", "notation", "chapters/01_x", "chapters/01_y", "chapters/02_z"]
    assert book.chapters(tmp_path) == [tmp_path / "chapters" / f"{n}.ipynb" for n in ("01_x", "01_y", "02_z")]


def test_a_glob_entry_is_refused(tmp_path):
    # a glob has no fixed reading order to give the tools: refused loudly, not skipped
    write_toc(tmp_path, "chapters:\n  - glob: chapters/*\n")
    with pytest.raises(ValueError, match=r"only 'file:' entries are supported, got 'chapters/\*'"):
        book.pages(tmp_path)


def test_the_books_toc_lists_every_chapter_notebook_once():
    # a notebook missing from _toc.yml would never be built; a toc entry without a file breaks the build
    chapters = book.chapters()
    assert chapters and len(set(chapters)) == len(chapters)
    assert set(chapters) == set((ROOT / "chapters").glob("*.ipynb"))
    assert book.pages()[0] == "index"
