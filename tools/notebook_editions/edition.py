"""One edition of the book (the reader's, or the student's): each chapter's notebook made and written."""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nbformat

from tools import make_student
from tools.notebook_editions.book import ROOT, Book, Build, Chapter, EditionError, load_book, load_build
from tools.notebook_editions.convert import Context, Converter, exercise_numbers
from tools.notebook_editions.hidden import plan_hidden_cells, soften_asserts
from tools.outputs import Outputs

EDITION_BRANCHES = {"reader": "notebooks", "student": "student"}   # where book.yml publishes each


def build_note(ctx: Context) -> str:
    edition = "student edition" if ctx.student else "reader's edition"
    chapter = f"Chapter {ctx.chapter.number}" if ctx.chapter.number else "This chapter"
    page = ctx.book.page_url(ctx.build.docs[ctx.chapter.docname][0]) if ctx.chapter.docname in ctx.build.docs \
        else ctx.book.baseurl
    return (f"> *{chapter} of the book, {edition} for Jupyter and Colab ([the page in the book]({page})).* "
            f"Numbers in the text are from the book's build of {ctx.build.date} on {ctx.build.machine}; "
            f"your run may differ in the last digit (on a GPU, training results a little more).")


def edition_notebook(nb, chapter: Chapter, book: Book, build: Build, numbers: dict[str, str],
                     converter: Converter, student: bool = False, solutions: bool = False):
    """The reader's (or student) edition of one chapter and what it rewrote (a new notebook; nb is
    unchanged). `solutions=True` (student only): nbgrader's source of the student edition, the
    reference code kept between its markers (see make_student.student_notebook)."""
    where = chapter.docname
    if student:
        nb = make_student.student_notebook(nb, where, chapter=Path(where).name, solutions=solutions)
    else:
        nb = nbformat.from_dict(copy.deepcopy(nb))
    ctx = Context(book, build, chapter, numbers, student=student)
    plan = plan_hidden_cells(nb.cells, book.repository_url, where)
    if plan.get(0) != "install":
        raise EditionError(f"{where}: the first cell must be the hidden cell that installs "
                           f"\"nnbook @ git+{book.repository_url}\" in Colab")
    branch = EDITION_BRANCHES["student" if student else "reader"]
    cells, note_added = [], False
    for index, cell in enumerate(nb.cells):
        cell_where = f"{where}, cell {index}"
        action = plan.get(index)
        if action == "remove":
            ctx.counts["hidden cells removed"] += 1
            continue
        if action == "install":
            cell.source = cell.source.replace(f'git+{book.repository_url}"', f'git+{book.repository_url}@{branch}"')
            ctx.counts["install cell: installs from the branch"] += 1
        elif action == "keep":
            cell.source, n = soften_asserts(cell.source, cell_where)
            ctx.counts["hidden cells kept, asserts made warnings" if n else "hidden cells kept, no assert"] += 1
        if cell.cell_type == "markdown":
            cell.source = converter.convert(cell.source, ctx, cell_where)
            if not note_added:
                head, sep, rest = cell.source.partition("\n")
                if not head.startswith("# "):
                    raise EditionError(f"{cell_where}: the first markdown cell must start with the '# ' title")
                cell.source = f"{head}\n\n{build_note(ctx)}" + (f"\n\n{rest.lstrip(chr(10))}" if rest.strip() else "")
                note_added = True
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    nb.cells = cells
    nb.metadata.setdefault("nnbook", {})["edition"] = {
        "kind": "student" if student else "reader", "source": f"{chapter.docname}.ipynb",
        "branch": branch, "build": f"{build.date}, {build.machine}"}
    nbformat.validate(nb)
    return nb, ctx


def notebook_text(nb) -> str:
    """The bytes nbformat.write writes for nb, as text."""
    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def write_editions(out: Path, student: bool = False, root: Path = ROOT, build: Build | None = None,
                   outputs: Outputs | None = None):
    """Write every chapter's edition into out/<docname>.ipynb; return {docname: Context}. The
    student edition also writes nbgrader's source of it into out/nbgrader-source/<name>.ipynb.
    A file there that a person changed since it was written is moved aside first (tools/outputs.py;
    `outputs.moved` says where)."""
    book = load_book(root)
    build = build or load_build(book)
    converter = Converter(book)
    numbers = exercise_numbers(book, converter)
    outputs = outputs or Outputs(out, root)
    written = {}
    for chapter in book.chapters:
        nb = nbformat.read(chapter.path, as_version=4)
        edition, ctx = edition_notebook(nb, chapter, book, build, numbers, converter, student=student)
        outputs.write(f"{chapter.docname}.ipynb", notebook_text(edition))
        written[chapter.docname] = ctx
        if student:
            source, _ = edition_notebook(nb, chapter, book, build, numbers, converter,
                                         student=True, solutions=True)
            outputs.write(f"nbgrader-source/{Path(chapter.docname).name}.ipynb", notebook_text(source))
    return written


def summary(written: dict) -> str:
    """What the edition rewrote: one row per kind of rewrite, one column per chapter."""
    kinds = sorted({kind for ctx in written.values() for kind in ctx.counts})
    names = [f"ch {ctx.chapter.number}" if ctx.chapter.number else docname.split("/")[-1]
             for docname, ctx in written.items()]
    width = max(map(len, kinds))
    lines = [" " * width + "  " + "  ".join(names)]
    for kind in kinds:
        lines.append(kind.ljust(width) + "  " + "  ".join(
            str(ctx.counts.get(kind, 0)).rjust(len(name)) for name, ctx in zip(names, written.values())))
    return "\n".join(lines)


def replace_downloads(edition_dir: Path, docnames, root: Path = ROOT) -> list[Path]:
    """The book's download button serves _build/html/_sources/<page>.ipynb: make it the reader's
    edition of each chapter (docnames; nothing else in edition_dir, such as Jupyter's checkpoints)."""
    replaced = []
    for docname in docnames:
        target = root / "_build" / "html" / "_sources" / f"{docname}.ipynb"
        if not target.exists():
            raise EditionError(f"{target.relative_to(root)} is missing: build the book first")
        shutil.copyfile(Path(edition_dir) / f"{docname}.ipynb", target)
        replaced.append(target)
    return replaced
