"""The book the editions are made of, and what its build (`make book`) computed: the chapters and
their numbers (read through tools/book.py, the one reader of _toc.yml), the glue values, the pages
and labels of objects.inv, and which machine built it."""
from __future__ import annotations

import datetime
import json
import os
import platform
import posixpath
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from nnbook.files import write_atomically
from tools.book import ROOT, chapter_numbers, chapters

BUILD_RECORD = Path("_build") / "build-machine.json"


class EditionError(ValueError):
    """The tool met something it has no rule for, or the build it needs is missing or stale."""


# --- the book: chapters, numbers, URLs ------------------------------------------------------------

@dataclass
class Chapter:
    docname: str          # "chapters/05_mnist_mlp_vs_logreg"
    path: Path
    number: int | None    # the chapter number the book shows (None: an unnumbered part)


@dataclass
class Book:
    root: Path
    config: dict
    chapters: list[Chapter]

    @property
    def repository_url(self) -> str:
        return str(self.config["repository"]["url"]).rstrip("/").removesuffix(".git")

    @property
    def baseurl(self) -> str:
        url = str((self.config.get("html") or {}).get("baseurl") or "")
        if not url.startswith(("https://", "http://")):
            raise EditionError("_config.yml: html.baseurl must be the published book's address "
                               f"(make set-repository writes it), got {url!r}")
        return url if url.endswith("/") else url + "/"

    def page_url(self, uri: str) -> str:
        return self.baseurl + uri

    def chapter(self, docname: str) -> Chapter:
        return next(c for c in self.chapters if c.docname == docname)


def load_book(root: Path = ROOT) -> Book:
    """The chapters in the order of _toc.yml, numbered as Jupyter Book numbers them."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    continuous = (config.get("html") or {}).get("use_multitoc_numbering", True)   # Jupyter Book's default
    numbers = chapter_numbers(root, continuous)
    found = [Chapter(path.relative_to(root).with_suffix("").as_posix(), path,
                     numbers.get(path.relative_to(root).with_suffix("").as_posix()))
             for path in chapters(root) if path.exists()]
    if not found:
        raise EditionError("_toc.yml lists no notebook")
    return Book(root, config, found)


@dataclass
class Build:
    """Glue values per page, the pages and labels of the built book, and the machine that built it."""
    glue: dict[str, dict[str, str]]             # docname -> key -> text/plain
    labels: dict[str, tuple[str, str]]          # label -> (uri, display name)
    docs: dict[str, tuple[str, str]]            # docname -> (uri, title)
    machine: str
    date: str


def _code_sources(nb) -> list[str]:
    return [cell.source for cell in nb.cells if cell.cell_type == "code"]


def load_build(book: Book) -> Build:
    """Read the build of `make book`; fail when it is missing, incomplete or older than a chapter's code."""
    from myst_nb.ext.glue import extract_glue_data_cell   # the build's own reader of glue outputs
    from sphinx.util.inventory import InventoryFile

    build_dir = book.root / "_build"
    glue = {}
    for chapter in book.chapters:
        executed = build_dir / "jupyter_execute" / f"{chapter.docname}.ipynb"
        if not executed.exists():
            raise EditionError(f"{executed.relative_to(book.root)} is missing: run `make book` first")
        source = nbformat.read(chapter.path, as_version=4)
        ran = nbformat.read(executed, as_version=4)
        if _code_sources(source) != _code_sources(ran):
            raise EditionError(f"{chapter.docname}: its code changed after the last build: run `make book`")
        values = {}
        glue_file = executed.with_suffix(".glue.json")
        if glue_file.exists():                     # myst-nb writes it when a page glues anything
            data = json.loads(glue_file.read_text(encoding="utf-8"))
        else:                                      # or read the outputs, as myst-nb does
            data = {key: out for cell in ran.cells if cell.cell_type == "code"
                    for key, out in extract_glue_data_cell(cell)}
        for key, output in data.items():
            if "text/plain" in output.get("data", {}):
                values[key] = output["data"]["text/plain"]
        glue[chapter.docname] = values
    inventory_file = build_dir / "html" / "objects.inv"
    if not inventory_file.exists():
        raise EditionError(f"{inventory_file.relative_to(book.root)} is missing: run `make book` first")
    with inventory_file.open("rb") as f:
        inventory = InventoryFile.load(f, "", posixpath.join)
    labels = {name: (item[2], item[3]) for name, item in inventory.get("std:label", {}).items()}
    docs = {name: (item[2], item[3]) for name, item in inventory.get("std:doc", {}).items()}
    record_file = book.root / BUILD_RECORD
    if not record_file.exists():
        raise EditionError(f"{BUILD_RECORD} is missing: `make book` writes it "
                           "(python -m tools.make_notebooks --record-build)")
    record = json.loads(record_file.read_text(encoding="utf-8"))
    return Build(glue, labels, docs, record["machine"], record["date"])


def describe_machine() -> str:
    """'a Linux x86_64 machine (AMD EPYC 7763, 4 cores, no GPU; Python 3.11.9, PyTorch 2.5.1)'."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import torch
        gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
        torch_version = f", PyTorch {torch.__version__.split('+')[0]}"
    except ImportError:
        gpu, torch_version = "no GPU", ""
    return (f"a {platform.system()} {platform.machine()} machine ({cpu}, {os.cpu_count()} cores, {gpu}; "
            f"Python {platform.python_version()}{torch_version})")


def record_build(root: Path = ROOT) -> Path:
    """Write which machine built the book, and when (make book calls this after building)."""
    path = root / BUILD_RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"machine": describe_machine(),
              "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")}
    write_atomically(path, json.dumps(record, indent=1) + "\n")
    return path
