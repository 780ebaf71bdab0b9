"""The book's hidden code cells (tag `remove-cell`) in an edition: which to drop, which to keep with
their asserts softened into warnings, and the install cell that stays. Decided from the cells'
syntax trees (tools/cells.py, the one cell analysis)."""
from __future__ import annotations

import ast

from tools.cells import code_facts, dotted, python_source
from tools.notebook_editions.book import EditionError
from tools.notebook_editions.markdown import line_offsets

CHECK_WARNING = "nnbook check failed"   # tools/colab_path.sh turns exactly these warnings into errors


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
    starts = line_offsets(source)
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
