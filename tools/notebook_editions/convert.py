"""MyST to Jupyter Markdown, construct by construct: roles ({glue:text}, {doc}, {ref}, {math}) and
directives ({exercise}, {solution}, admonitions) replaced, every other character of a cell kept."""
from __future__ import annotations

import posixpath
from collections import Counter
from dataclasses import dataclass, field

import nbformat

from tools.notebook_editions.book import Book, Build, Chapter, EditionError
from tools.notebook_editions.markdown import (ADMONITIONS, PLAIN_BLOCK, PLAIN_INLINE, Directive, escape_link_text,
                                     line_offsets, markdown_parser, parse_directive)


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
        """The heading an {exercise} becomes ("Exercise 5.2"); tools/grade/ finds exercises by it."""
        return f"Exercise {number}" if number else "Exercise"


class Converter:
    """Rewrites the MyST Markdown of one cell into Jupyter Markdown, construct by construct."""

    def __init__(self, book: Book):
        self.md = markdown_parser(book.config)

    # one Markdown text (a cell, or a directive's body) --------------------------------------------
    def convert(self, text: str, ctx: Context, where: str, top: bool = True) -> str:
        tokens = self.md.parse(text)
        lines = text.split("\n")
        starts = line_offsets(text)
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
            elif token.type == "myst_target" and token.level == 0:
                # `(sec-autograd)=` names a section for {ref} in the book; Jupyter has no such names and
                # the editions' {ref} links point at the book's page: the line goes
                start = starts[token.map[0]]
                end = starts[token.map[1]] if token.map[1] < len(starts) else len(text)
                edits.append((start, end, ""))
                ctx.counts["section labels removed"] += 1
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
        line_starts = line_offsets(token.content)
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
