"""MyST Markdown, parsed as the book parses it: the book's own parser (myst-parser on markdown-it-py,
the extensions _config.yml enables), with where each role starts and ends recorded (a plugin on
markdown-it's public rule API), and directives parsed by the classes the book build uses."""
from __future__ import annotations

from dataclasses import dataclass

from tools.notebook_editions.book import EditionError

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


def record_role_spans(md) -> None:
    """A markdown-it plugin: myst's role rule, run by a rule of ours in its place, records in each
    role token where the role starts and ends in the inline text (`token.meta["span"]`)."""
    from mdit_py_plugins.myst_role.index import myst_role

    def recording(state, silent):
        start = state.pos
        found = myst_role(state, silent)
        if found and not silent:
            state.tokens[-1].meta["span"] = (start, state.pos)
        return found

    md.inline.ruler.before("myst_role", "myst_role_with_span", recording)
    md.inline.ruler.disable("myst_role")


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
    return md.use(record_role_spans)


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


def line_offsets(text: str) -> list[int]:
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return starts


def escape_link_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
