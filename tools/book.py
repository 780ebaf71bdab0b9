"""The book's pages and chapters, in reading order, read from _toc.yml: the one place every tool and test
asks (bench, instructors, make_student, browser_check, the tests), so the chapter list is never written
down twice. Parsed with sphinx_external_toc, the parser Jupyter Book itself uses, so a toc the build
accepts is read here the same way.

    from tools.book import chapters, pages
    chapters()          # [Path(".../chapters/01_neuron.ipynb"), ...]
    pages()             # ["index", "notation", "chapters/01_neuron", ..., "instructors"]
    chapter_numbers()   # {"notation": None, "chapters/01_neuron": 1, ..., "instructors": None}
"""
from __future__ import annotations

import re
from pathlib import Path

from sphinx_external_toc.api import FileItem
from sphinx_external_toc.parsing import parse_toc_yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_FOLDER = "chapters"


def _docname(name: str) -> str:
    return re.sub(r"\.(ipynb|md|rst)$", "", name)  # a file may be named with its extension


def pages(root: Path = ROOT) -> list[str]:
    """Every page of root/_toc.yml in reading order (the root page, then each file depth first), as
    Sphinx document names: paths relative to root, without extension."""
    site_map = parse_toc_yaml(Path(root) / "_toc.yml")
    order: list[str] = []

    def walk(docname: str) -> None:
        order.append(_docname(docname))
        for subtree in site_map[docname].subtrees:
            for item in subtree.items:
                if not isinstance(item, FileItem):  # a glob or a URL: no fixed page to read
                    raise ValueError(f"{Path(root) / '_toc.yml'}: only 'file:' entries are supported, got {item!r}")
                walk(item)

    walk(site_map.root.docname)
    return order


def chapters(root: Path = ROOT) -> list[Path]:
    """The chapter notebooks (the pages in chapters/), in the order of root/_toc.yml."""
    return [Path(root) / f"{page}.ipynb" for page in pages(root) if page.startswith(f"{CHAPTER_FOLDER}/")]


def chapter_numbers(root: Path = ROOT, continuous: bool = True) -> dict[str, int | None]:
    """The number Jupyter Book shows for each entry of the root page's parts (None: a part that is not
    `numbered`). `continuous` (_config.yml html.use_multitoc_numbering, true by default): the numbers
    run on across parts; otherwise each part starts again at 1."""
    site_map = parse_toc_yaml(Path(root) / "_toc.yml")
    numbers, number = {}, 0
    for part in site_map[site_map.root.docname].subtrees:
        if not continuous:
            number = 0
        for item in part.items:
            if part.numbered:
                number += 1
            numbers[_docname(str(item))] = number if part.numbered else None
    return numbers
