"""Write the reader's edition of the book: every chapter as a notebook in plain Jupyter Markdown.

    python -m tools.make_notebooks [--out DIR] [--downloads]   make notebooks: _build/notebooks/chapters/
    python -m tools.make_notebooks --student [--out DIR]       make student:   _build/student/chapters/
    python -m tools.make_notebooks --record-build              make book: which machine built the book

Students run chapters in Colab or Jupyter, where MyST's roles and directives show as raw text.
The editions hold the same code cells as the chapters, with the markdown rewritten into what
Jupyter renders (CommonMark, `$...$` math, a little HTML). The markdown is parsed with the
book's own MyST parser (myst-parser on markdown-it-py), and only the MyST constructs it finds are
replaced; every other character of a cell stays as written. One rule per construct:

  {glue:text}`key:fmt`  the value the book's build computed (`_build/jupyter_execute/*.glue.json`),
                        formatted by myst-nb's own function; a key without a value is an error
  :::{exercise}         a heading "Exercise 5.2" (the number sphinx-exercise gives it), then its text
  ```{solution}         a folded <details><summary>Solution to Exercise 5.2</summary> ... </details>;
                        the student edition has no solutions (tools/make_student.py removes them)
  {doc}, {ref}          a link to the page of the published book (html.baseurl in _config.yml);
                        which page holds a label, the build's objects.inv says
  {admonition}, {note}, {warning}, ...   a blockquote that starts with the title in bold
A role, directive or Markdown construct without a rule stops the tool with its name and place.

Hidden code cells (tag `remove-cell`, the book's checks) must not stop a reader's run. A hidden
cell is removed when no later cell can need it: it binds no name that a later cell reads, changes
no object a later cell reads (an item or attribute assignment, a method call) and touches no
global state (random seeds and generators, module attributes, os.environ); this is decided from
the cells' syntax trees. A hidden cell that stays has each `assert` turned into a warning
("nnbook check failed: ..."). The first cell, which installs nnbook in Colab, stays, and installs
from the branch the edition is published on (`notebooks`, or `student` for the student edition).
The source chapters are not changed: `make test`, `make book` and `make bench` still fail on a
failed check.

Near the top of each chapter a note says which build the numbers come from. The tool needs a
built book (`make book`): glue values, objects.inv and the build record; it fails when a chapter's
code changed after the build. `--downloads` also puts the reader's edition where the book's
download button points (_build/html/_sources/chapters/*.ipynb).
"""
from __future__ import annotations

import argparse
import ast
import copy
import datetime
import json
import os
import platform
import posixpath
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_student  # noqa: E402  (the student edition's solution rules)
from cells import code_facts, python_source, dotted  # noqa: E402  (the one cell analysis, shared with the grader)
from tools.outputs import Outputs  # noqa: E402  (never overwrites what a person edited)

EDITION_BRANCHES = {"reader": "notebooks", "student": "student"}   # where book.yml publishes each
BUILD_RECORD = Path("_build") / "build-machine.json"
CHECK_WARNING = "nnbook check failed"   # tools/colab_path.sh turns exactly these warnings into errors

ADMONITIONS = {"admonition": None, "attention": "Attention", "caution": "Caution", "danger": "Danger",
               "error": "Error", "hint": "Hint", "important": "Important", "note": "Note",
               "seealso": "See also", "tip": "Tip", "warning": "Warning"}

# markdown-it tokens that plain Jupyter renders as they are (CommonMark, tables, dollar math, HTML)
PLAIN_BLOCK = {"paragraph_open", "paragraph_close", "heading_open", "heading_close", "inline", "hr",
               "bullet_list_open", "bullet_list_close", "ordered_list_open", "ordered_list_close",
               "list_item_open", "list_item_close", "blockquote_open", "blockquote_close",
               "table_open", "table_close", "thead_open", "thead_close", "tbody_open", "tbody_close",
               "tr_open", "tr_close", "th_open", "th_close", "td_open", "td_close",
               "code_block", "math_block", "amsmath", "html_block"}
PLAIN_INLINE = {"text", "softbreak", "hardbreak", "code_inline", "math_inline", "math_inline_double",
                "em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close",
                "link_open", "link_close", "html_inline"}


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
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    continuous = (config.get("html") or {}).get("use_multitoc_numbering", True)   # Jupyter Book's default
    chapters, number = [], 0
    for part in toc.get("parts", [{"chapters": toc.get("chapters", [])}]):
        if not continuous:
            number = 0
        for entry in part.get("chapters", []):
            path = root / f"{entry['file']}.ipynb"
            numbered = bool(part.get("numbered"))
            number += numbered
            if path.exists():
                chapters.append(Chapter(entry["file"], path, number if numbered else None))
    if not chapters:
        raise EditionError("_toc.yml lists no notebook")
    return Book(root, config, chapters)


# --- what the build computed ----------------------------------------------------------------------

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
        raise EditionError(f"{BUILD_RECORD} is missing: `make book` writes it (make_notebooks.py --record-build)")
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
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return path


# --- Markdown: MyST in, Jupyter Markdown out --------------------------------------------------------

def markdown_parser(config: dict):
    """The book's MyST parser (the extensions _config.yml enables), recording where each role starts and ends."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    extensions = set((config.get("parse") or {}).get("myst_enable_extensions") or [])
    sphinx_config = (config.get("sphinx") or {}).get("config") or {}
    md = create_md_parser(MdParserConfig(enable_extensions=extensions,
                                         dmath_double_inline=bool(sphinx_config.get("myst_dmath_double_inline"))),
                          RendererHTML)
    rules = md.inline.ruler
    original = rules.__rules__[rules.__find__("myst_role")].fn

    def recording(state, silent):
        start = state.pos
        found = original(state, silent)
        if found and not silent:
            state.tokens[-1].meta["span"] = (start, state.pos)
        return found

    rules.at("myst_role", recording)
    return md


def directive_class(name: str):
    """The class that parses a directive's arguments and options, as the book build does."""
    from docutils.parsers.rst.directives import admonitions
    from sphinx_exercise.directive import ExerciseDirective, SolutionDirective
    if name == "exercise":
        return ExerciseDirective
    if name == "solution":
        return SolutionDirective
    if name in ADMONITIONS:
        return {"admonition": admonitions.Admonition, "seealso": admonitions.Note}.get(
            name, getattr(admonitions, name.capitalize(), None))
    return None


@dataclass
class Directive:
    name: str
    arguments: list[str]
    options: dict
    body: str


def parse_directive(token, where: str) -> Directive | None:
    """The directive a fence token holds (```{name} or :::{name}), or None for a plain code fence."""
    from myst_parser.parsers.directives import parse_directive_text
    info = token.info.strip()
    if not info.startswith("{"):
        if token.type == "colon_fence":
            raise EditionError(f"{where}: a ':::' fence without a directive name ({info!r})")
        return None
    name, _, first_line = info[1:].partition("}")
    cls = directive_class(name)
    if cls is None:
        raise EditionError(f"{where}: no rule for the directive {{{name}}}")
    try:
        parsed = parse_directive_text(cls, first_line.strip(), token.content)
    except Exception as error:   # MarkupError and docutils' option errors
        raise EditionError(f"{where}: {{{name}}} does not parse: {error}") from None
    if parsed.warnings:
        raise EditionError(f"{where}: {{{name}}}: {'; '.join(w.msg for w in parsed.warnings)}")
    return Directive(name, parsed.arguments, parsed.options, "\n".join(parsed.body))


def _offsets(text: str) -> list[int]:
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return starts


def escape_link_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


@dataclass
class Context:
    """What converting one chapter needs and counts."""
    book: Book
    build: Build
    chapter: Chapter
    exercise_numbers: dict[str, str]              # label -> "5.2", every chapter of the book
    student: bool = False
    counts: Counter = field(default_factory=Counter)
    exercises_seen: int = 0
    heading_level: int = 1
    glued: list[str] = field(default_factory=list)   # the values put in, in order

    @staticmethod
    def exercise_title(number: str | None) -> str:
        """The heading an {exercise} becomes ("Exercise 5.2"); tools/grade.py finds exercises by it."""
        return f"Exercise {number}" if number else "Exercise"


class Converter:
    """Rewrites the MyST Markdown of one cell into Jupyter Markdown, construct by construct."""

    def __init__(self, book: Book):
        self.md = markdown_parser(book.config)

    # one Markdown text (a cell, or a directive's body) --------------------------------------------
    def convert(self, text: str, ctx: Context, where: str, top: bool = True) -> str:
        tokens = self.md.parse(text)
        lines = text.split("\n")
        starts = _offsets(text)
        edits = []                      # (start, end, replacement), offsets into text
        cursors: dict[int, int] = {}    # per line: where the next inline's text is looked for
        for token in tokens:
            if token.type in ("fence", "colon_fence"):
                directive = parse_directive(token, where)
                if directive is None:
                    continue            # a code block: shown as it is
                if token.level != 0:
                    raise EditionError(f"{where}: {{{directive.name}}} inside a list or quote has no rule")
                start = starts[token.map[0]]
                end = starts[token.map[1]] - 1 if token.map[1] < len(starts) else len(text)
                edits.append((start, end, self.directive(directive, ctx, where)))
            elif token.type == "inline":
                edits += self.inline(token, lines, starts, cursors, ctx, where)
            elif token.type not in PLAIN_BLOCK:
                raise EditionError(f"{where}: no rule for the Markdown construct {token.type!r} "
                                   f"(line {token.map[0] + 1 if token.map else '?'})")
            if top and token.type == "heading_open" and token.level == 0:
                ctx.heading_level = int(token.tag[1])
        out = text
        for start, end, replacement in sorted(edits, reverse=True):
            out = out[:start] + replacement + out[end:]
        return out

    def inline(self, token, lines, starts, cursors, ctx, where):
        """Edits for the roles of one inline token (a paragraph's, a heading's, a table cell's text)."""
        content_lines = token.content.split("\n")
        positions = []                  # where each content line starts in the text, or None
        for k, content_line in enumerate(content_lines):
            n = token.map[0] + k
            at = lines[n].find(content_line, cursors.get(n, 0)) if n < len(lines) else -1
            if at < 0:
                positions.append(None)
                continue
            positions.append(starts[n] + at)
            cursors[n] = at + len(content_line)
        line_starts = _offsets(token.content)
        edits = []
        for child in token.children or []:
            if child.type == "myst_role":
                begin, end = child.meta["span"]
                k = max(i for i, s in enumerate(line_starts) if s <= begin)
                if positions[k] is None or "\n" in token.content[begin:end]:
                    raise EditionError(f"{where}: cannot place the role {token.content[begin:end]!r} in the cell")
                offset = positions[k] + begin - line_starts[k]
                edits.append((offset, offset + end - begin, self.role(child.meta["name"], child.content, ctx, where)))
            elif child.type == "link_open":
                href = child.attrs.get("href", "")
                if not href.startswith(("http://", "https://", "mailto:", "#")):
                    raise EditionError(f"{where}: no rule for a relative link ({href!r}): use {{doc}} or {{ref}}")
            elif child.type not in PLAIN_INLINE:
                raise EditionError(f"{where}: no rule for the Markdown construct {child.type!r}")
        return edits

    # roles ------------------------------------------------------------------------------------------
    def role(self, name: str, content: str, ctx: Context, where: str) -> str:
        if name == "glue:text":
            return self.glue_text(content, ctx, where)
        if name == "doc":
            return self.doc_link(content, ctx, where)
        if name == "ref":
            return self.ref_link(content, ctx, where)
        if name == "math":
            ctx.counts["{math} roles"] += 1
            return f"${content}$"
        raise EditionError(f"{where}: no rule for the role {{{name}}}`{content}`")

    def glue_text(self, content: str, ctx: Context, where: str) -> str:
        from myst_nb.core.variables import format_plain_text   # how the book build formats it
        key, _, spec = content.rpartition(":") if ":" in content else (content, "", "s")
        if "::" in key:
            raise EditionError(f"{where}: glue from another page ({content!r}) has no rule")
        values = ctx.build.glue.get(ctx.chapter.docname, {})
        if key not in values:
            raise EditionError(f"{where}: the glue key {key!r} has no value in the build of "
                               f"{ctx.chapter.docname} (run `make book`; does the chapter glue it?)")
        text = format_plain_text(values[key], spec)
        # the value must read as plain text in Markdown, not as markup
        children = self.md.parseInline(text)[0].children
        if [(c.type, c.content) for c in children] != [("text", text)]:
            raise EditionError(f"{where}: the glued value {text!r} of {key!r} would not read as plain text")
        ctx.counts["glued values"] += 1
        ctx.glued.append(text)
        return text

    @staticmethod
    def _title_target(content: str) -> tuple[str | None, str]:
        if content.endswith(">") and " <" in content:
            title, _, target = content[:-1].rpartition(" <")
            return title.strip(), target.strip()
        return None, content.strip()

    def doc_link(self, content: str, ctx: Context, where: str) -> str:
        title, target = self._title_target(content)
        docname = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(posixpath.dirname(ctx.chapter.docname), target))
        docname = docname.removesuffix(".ipynb").removesuffix(".md")
        if docname not in ctx.build.docs:
            raise EditionError(f"{where}: {{doc}}`{content}`: the book has no page {docname!r}")
        uri, doc_title = ctx.build.docs[docname]
        ctx.counts["links to the book"] += 1
        return f"[{escape_link_text(title or doc_title)}]({ctx.book.page_url(uri)})"

    def ref_link(self, content: str, ctx: Context, where: str) -> str:
        title, label = self._title_target(content)
        if label not in ctx.build.labels:
            raise EditionError(f"{where}: {{ref}}`{content}`: the book has no label {label!r}")
        uri, display = ctx.build.labels[label]
        if title is None:
            title = ("Exercise " + ctx.exercise_numbers[label]) if label in ctx.exercise_numbers else display
        ctx.counts["links to the book"] += 1
        return f"[{escape_link_text(title)}]({ctx.book.page_url(uri)})"

    # directives ---------------------------------------------------------------------------------------
    def directive(self, d: Directive, ctx: Context, where: str) -> str:
        body = self.convert(d.body, ctx, f"{where}, in {{{d.name}}}", top=False).strip("\n")
        if d.name == "exercise":
            if "hidden" in d.options:
                raise EditionError(f"{where}: a hidden {{exercise}} has no rule")
            number = None
            if "nonumber" not in d.options:
                ctx.exercises_seen += 1
                number = (f"{ctx.chapter.number}.{ctx.exercises_seen}" if ctx.chapter.number
                          else str(ctx.exercises_seen))
                label = d.options.get("label")
                if label is not None and ctx.exercise_numbers.get(label) != number:
                    raise EditionError(f"{where}: exercise {label!r} counted as {number}, "
                                       f"numbered {ctx.exercise_numbers.get(label)} in the book")
            title = ctx.exercise_title(number) + (f" ({d.arguments[0]})" if d.arguments else "")
            ctx.counts["exercises"] += 1
            return f"{'#' * min(ctx.heading_level + 1, 6)} {title}\n\n{body}"
        if d.name == "solution":
            if ctx.student:
                raise EditionError(f"{where}: a solution in the student edition (tag its cell 'solution')")
            if "hidden" in d.options:
                raise EditionError(f"{where}: a hidden {{solution}} has no rule")
            label = d.arguments[0]
            if label not in ctx.exercise_numbers:
                raise EditionError(f"{where}: {{solution}} of {label!r}, which is no numbered exercise")
            ctx.counts["solutions folded"] += 1
            return (f"<details>\n<summary>Solution to Exercise {ctx.exercise_numbers[label]}</summary>\n\n"
                    f"{body}\n\n</details>")
        if d.name in ADMONITIONS:
            title = d.arguments[0] if d.name == "admonition" else ADMONITIONS[d.name]
            quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in body.split("\n"))
            ctx.counts["admonitions"] += 1
            return f"> **{title}**\n>\n{quoted}"
        raise EditionError(f"{where}: no rule for the directive {{{d.name}}}")   # unreachable: parse_directive


def exercise_numbers(book: Book, converter: Converter) -> dict[str, str]:
    """label -> "c.k" for every labelled exercise of the book, numbered as sphinx-exercise numbers them."""
    numbers = {}
    for chapter in book.chapters:
        nb = nbformat.read(chapter.path, as_version=4)
        k = 0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "markdown":
                continue
            for token in converter.md.parse(cell.source):
                if token.type not in ("fence", "colon_fence"):
                    continue
                d = parse_directive(token, f"{chapter.docname}, cell {index}")
                if d is None or d.name != "exercise" or "nonumber" in d.options:
                    continue
                k += 1
                if "label" in d.options:
                    numbers[d.options["label"]] = f"{chapter.number}.{k}" if chapter.number else str(k)
    return numbers


# --- hidden code cells --------------------------------------------------------------------------------

def is_install_cell(cell, url: str) -> bool:
    return (cell.cell_type == "code" and "remove-cell" in cell.metadata.get("tags", [])
            and f'git+{url}"' in cell.source)


def plan_hidden_cells(cells, url: str, where: str) -> dict[int, str]:
    """index -> "install", "remove" or "keep" for every hidden (remove-cell) code cell.

    Goes backwards: a hidden cell is removed when the cells kept after it read none of the names it
    binds or changes (before a kept cell binds them again), and it touches no global state."""
    code = {index: cell for index, cell in enumerate(cells) if cell.cell_type == "code"}
    trees = {}
    for index, cell in code.items():
        try:
            trees[index] = ast.parse(python_source(cell.source))
        except SyntaxError as error:
            raise EditionError(f"{where}, cell {index}: the cell does not parse as Python: {error}") from None
    modules = {(a.asname or a.name).split(".")[0] for tree in trees.values() for node in ast.walk(tree)
               if isinstance(node, ast.Import) for a in node.names}
    facts = {index: code_facts(cell.source, modules) for index, cell in code.items()}   # trees parsed above
    plan, needed = {}, set()
    for index in sorted(facts, reverse=True):
        cell, fact = cells[index], facts[index]
        if "remove-cell" in cell.metadata.get("tags", []):
            if index == 0 and is_install_cell(cell, url):
                plan[index] = "install"
            elif not ((fact.binds | fact.changes) & needed) and not fact.global_state:
                plan[index] = "remove"
                continue
            else:
                plan[index] = "keep"
        needed = (needed - fact.sure_binds) | fact.reads   # what a kept cell surely binds, no earlier cell must
    return plan


def soften_asserts(source: str, where: str) -> tuple[str, int]:
    """The cell with every `assert test, message` turned into a warning; and how many there were."""
    if python_source(source).rstrip("\n") != source.rstrip("\n"):
        raise EditionError(f"{where}: a hidden cell with IPython magics has no rule")
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) or (isinstance(node, ast.Call) and
                                            dotted(node.func).rsplit(".", 1)[-1].startswith("assert")):
            raise EditionError(f"{where}: a hidden cell that raises other than by `assert` has no rule "
                               f"(line {node.lineno})")
    asserts = [node for node in ast.walk(tree) if isinstance(node, ast.Assert)]
    lines = source.split("\n")
    starts = _offsets(source)
    edits = []
    for node in asserts:
        indent = lines[node.lineno - 1][:node.col_offset]
        if indent.strip():
            raise EditionError(f"{where}: an assert that does not start its line (line {node.lineno})")
        test = ast.get_source_segment(source, node.test)
        said = f"{CHECK_WARNING}: " + test.replace("\n", " ")
        message = repr(said) if node.msg is None else \
            f"{said!r} + '; ' + str({ast.get_source_segment(source, node.msg)})"
        replacement = f"if not ({test}):\n{indent}    warnings.warn({message})"
        start = starts[node.lineno - 1] + node.col_offset
        end = starts[node.end_lineno - 1] + node.end_col_offset
        edits.append((start, end, replacement))
    for start, end, replacement in sorted(edits, reverse=True):
        source = source[:start] + replacement + source[end:]
    if asserts:
        source = ("import warnings  # reader's edition: a check that fails warns instead of stopping the notebook\n"
                  + source)
    ast.parse(source)   # the rewrite is valid Python
    return source, len(asserts)


# --- one chapter --------------------------------------------------------------------------------------

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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--student", action="store_true", help="the student edition (no solutions)")
    parser.add_argument("--out", type=Path, help="default: _build/notebooks, or _build/student")
    parser.add_argument("--downloads", action="store_true",
                        help="also replace the .ipynb behind the book's download button")
    parser.add_argument("--record-build", action="store_true", help="record the machine that built the book")
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder (default: this checkout)")
    args = parser.parse_args(argv)
    if args.record_build:
        print(f"build record: {record_build(args.root)}")
        return
    out = args.out or args.root / "_build" / ("student" if args.student else "notebooks")
    outputs = Outputs(out, args.root)
    try:
        written = write_editions(out, student=args.student, root=args.root, outputs=outputs)
        edition = "student" if args.student else "reader's"
        print(f"{edition} edition: {len(written)} chapters in {out}; rewritten per chapter:")
        if args.student:
            print(f"(nbgrader's source of it, the reference code kept: {out / 'nbgrader-source'})")
        print(summary(written))
        if args.downloads:
            if args.student:
                raise EditionError("--downloads serves the reader's edition, not the student edition")
            replaced = replace_downloads(out, written, args.root)
            print(f"download button: {len(replaced)} notebooks replaced in _build/html/_sources")
    except (EditionError, make_student.MarkingError) as error:
        sys.exit(f"make_notebooks: {error}")
    finally:
        if outputs.moved:
            print(outputs.report("make_notebooks"))


if __name__ == "__main__":
    main()
