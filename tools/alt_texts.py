"""Every figure of a chapter is described in words: the check, read from the notebooks themselves.

A code cell *draws a figure* when, outside a function body, it calls matplotlib's pyplot
(``plt.…``), seaborn (``sns.…``), a pandas ``.plot`` / ``.plot.<kind>``, one of nnbook.plots'
drawing helpers, or a function of the same notebook whose body does one of these. It *shows an
interactive figure* when it calls ``show(...)`` (nnbook.interactive). Cells tagged
``remove-cell`` or ``remove-output`` show nothing and are left out. The rules:

1. a cell that draws a figure describes it, either with a fixed description in its metadata,
   ``{"mystnb": {"image": {"alt": "..."}}}`` (myst-nb's image option: at least 8 words, not a
   file name), or by passing each figure to ``nnbook.plots.show_figure(fig, alt=...)`` (a
   description computed by the code, for numbers the build measures) instead of ``plt.show()``;
2. a cell described in its metadata draws one figure: myst-nb gives every image of a cell the
   same alt text, so a cell that draws several calls ``show_figure`` once per figure;
3. every ``show(fig, ...)`` of an interactive figure passes ``description=...``.

``tests/test_alt_texts.py`` applies the rules to every chapter of ``_toc.yml``;
``tools/browser_check.py`` checks the ``<img>`` alt texts of the built pages.

Usage: python -m tools.alt_texts [chapters/NN_name.ipynb ...]   (default: every chapter)
prints each figure cell, how it is described and the description's length in words.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from nnbook.plots import MIN_ALT_WORDS, alt_text_problem
from tools.book import chapters

ROOT = Path(__file__).resolve().parents[1]

PLOT_HELPERS = {"plot_decision_boundary", "plot_activation", "plot_loss_curves", "show_digits", "draw_network", "draw_neuron",
                "plot_confusion_matrix", "scatter_classes"}
NOT_DRAWING = {"close", "rc", "rcParams", "style", "ioff", "ion", "get_cmap", "colormaps", "cm"}
NEW_FIGURE = {"subplots", "figure", "subplot_mosaic"}   # plt.<these> start a new figure


@dataclass
class FigureCell:
    index: int                  # position of the cell in the notebook
    source: str
    kind: str                   # "image" or "interactive"
    described_by: str = ""      # "metadata", "show_figure", "description=" or "" (not described)
    alt: str | None = None      # the fixed description, when there is one
    problems: list[str] = field(default_factory=list)

    @property
    def words(self) -> int | None:
        return len(self.alt.split()) if self.alt else None


def _dotted(node: ast.AST) -> str:
    """'plt.subplots' for plt.subplots(...), 'df.plot.bar' for df.plot.bar(...), '' if not a name."""
    parts = []
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
        node = node.value                  # axes[0].plot -> axes.plot
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif parts:
        parts.append("?")   # e.g. success_rate.loc[...].plot: the object is an expression
    return ".".join(reversed(parts))


def _top_level_calls(tree: ast.AST):
    """(call, inside_a_loop) for every call outside function and class bodies."""
    def walk(node, in_loop):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                continue
            loop = in_loop or isinstance(child, (ast.For, ast.While, ast.comprehension,
                                                 ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp))
            if isinstance(child, ast.Call):
                yield child, in_loop
            yield from walk(child, loop)
    yield from walk(tree, False)


AXES = re.compile(r"^(ax|axs|axes|ax_\w+|\w+_ax)$")   # names the chapters give matplotlib axes


def _pandas_plot(parts: list[str]) -> bool:
    """df.plot(...), df.plot.bar(...): pandas draws (ax.plot(...) is matplotlib drawing on given axes)."""
    return "plot" in parts[1:] and not AXES.match(parts[0]) and parts[0] not in ("plt", "sns")


def _draws(name: str, drawing_functions: set[str]) -> bool:
    parts = name.split(".")
    return ((parts[0] in ("plt", "sns") and len(parts) > 1 and parts[1] not in NOT_DRAWING)
            or parts[-1] in PLOT_HELPERS or name in drawing_functions or _pandas_plot(parts))


def _new_figure(call: ast.Call, name: str, drawing_functions: set[str]) -> bool:
    """Does this call start a figure of its own (rather than draw on given axes)?"""
    parts = name.split(".")
    keywords = {k.arg for k in call.keywords}
    if parts[0] == "plt":
        return len(parts) == 2 and parts[1] in NEW_FIGURE
    if parts[-1] in PLOT_HELPERS or _pandas_plot(parts):
        return not keywords & {"ax", "axes"}
    return name in drawing_functions


def _parse(source: str) -> ast.AST | None:
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _drawing_functions(cells) -> set[str]:
    """Names of the notebook's own functions that draw (directly or through each other)."""
    bodies = {}
    for cell in cells:
        tree = _parse(cell.source) if cell.cell_type == "code" else None
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                bodies[node.name] = {_dotted(c.func) for c in ast.walk(node) if isinstance(c, ast.Call)}
    drawing: set[str] = set()
    while True:
        more = {f for f, calls in bodies.items() if f not in drawing and any(_draws(c, drawing) for c in calls)}
        if not more:
            return drawing
        drawing |= more


def _keyword(call: ast.Call, name: str, position: int | None = None):
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    if position is not None and len(call.args) > position:
        return call.args[position]
    return None


def figure_cells(notebook) -> list[FigureCell]:
    """Every code cell that draws a figure or shows an interactive one, with what is wrong."""
    drawing = _drawing_functions(notebook.cells)
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or {"remove-cell", "remove-output"} & set(cell.metadata.get("tags", [])):
            continue
        tree = _parse(cell.source)
        if tree is None:
            continue
        calls = [(call, loop, _dotted(call.func)) for call, loop in _top_level_calls(tree)]
        new_figures = [(call, loop) for call, loop, name in calls if _new_figure(call, name, drawing)]
        draws = any(_draws(name, drawing) for _, _, name in calls)
        described = [(call, loop) for call, loop, name in calls if name.split(".")[-1] == "show_figure"]
        interactive = [call for call, _, name in calls if name in ("show", "interactive.show")]
        if draws:
            found.append(_image_cell(index, cell, new_figures, described, calls))
        if interactive:
            found.append(_interactive_cell(index, cell, interactive))
    return found


def _image_cell(index, cell, new_figures, described, calls) -> FigureCell:
    result = FigureCell(index, cell.source, "image")
    alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
    several = len(new_figures) > 1 or any(loop for _, loop in new_figures)
    if described:
        result.described_by = "show_figure"
        if any(name == "plt.show" for _, _, name in calls):
            result.problems.append("calls plt.show() besides show_figure: that figure has no description")
        loops = any(loop for _, loop in described)
        if several and not loops and len(described) < len(new_figures):
            result.problems.append(f"draws {len(new_figures)} figures but calls show_figure "
                                   f"{len(described)} time(s): one call per figure")
        for call, _ in described:
            text = _keyword(call, "alt", 1)
            if isinstance(text, ast.Constant) and (problem := alt_text_problem(text.value)):
                result.problems.append(f"show_figure's alt text: {problem}")
            elif text is None:
                result.problems.append("show_figure is called without an alt text")
    elif alt is not None:
        result.described_by, result.alt = "metadata", alt
        if (problem := alt_text_problem(alt)):
            result.problems.append(f"the alt text in its metadata: {problem}")
        if several:
            result.problems.append("draws several figures, and myst-nb gives each of them the metadata's "
                                   "one alt text: pass each to show_figure(fig, alt=...) instead")
    else:
        result.problems.append("draws a figure without a description: add "
                               '{"mystnb": {"image": {"alt": "..."}}} to its metadata, or end it with '
                               "show_figure(fig, alt=...) instead of plt.show()")
    return result


def _interactive_cell(index, cell, calls) -> FigureCell:
    result = FigureCell(index, cell.source, "interactive")
    for call in calls:
        text = _keyword(call, "description", 1)
        if text is None:
            result.problems.append("show(fig) of an interactive figure without description=...")
            continue
        result.described_by = "description="
        if isinstance(text, ast.Constant):
            result.alt = text.value
            if (problem := alt_text_problem(text.value)):
                result.problems.append(f"the interactive figure's description: {problem}")
    return result


def chapter_problems(path: Path) -> list[str]:
    """'cell N: ...' for every rule a chapter breaks (empty when every figure is described)."""
    notebook = nbformat.read(path, as_version=4)
    return [f"cell {cell.index}: {problem}" for cell in figure_cells(notebook) for problem in cell.problems]


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or chapters()
    failed = 0
    for path in paths:
        cells = figure_cells(nbformat.read(path, as_version=4))
        print(f"{path.name}: {len(cells)} figure cell(s)")
        for cell in cells:
            words = f", {cell.words} words" if cell.words else ""
            state = "; ".join(cell.problems) or f"described by {cell.described_by}{words}"
            print(f"  cell {cell.index:3d} {cell.kind:11s} {state}")
            failed += bool(cell.problems)
    print(f"(rule: descriptions of at least {MIN_ALT_WORDS} words, no file names)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
