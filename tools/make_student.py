"""The student edition's rules: how solutions are marked in the chapters and what replaces them.

`make student` (tools/make_notebooks.py --student) applies them to each chapter while it writes the
edition into _build/student/chapters/, and nbgrader's source of it into _build/student/nbgrader-source/.

Solutions are marked one way in the sources, with the cell tag `solution`:
- a markdown cell tagged `solution` (the book shows it as a dropdown) is removed;
- a code cell tagged `solution` keeps its lines outside `### BEGIN SOLUTION` / `### END SOLUTION`
  (a function's signature and docstring, say); the lines between the markers become a stub,
  `raise NotImplementedError("Exercise ...: write your code here")`, at the markers' indentation.
  A code cell tagged `solution` without markers is removed whole.
Everything else, including the answer checks (`check("ex-neuron-forward", ...)`) and the concept questions,
is kept. Outputs are cleared. The tool fails loudly when a solution is marked wrongly: markers
in an untagged cell, unbalanced markers, or a `{solution}` directive outside a tagged cell.

The edition also carries what graders read: the notebook's metadata names its chapter
(`nnbook.chapter`, read by `make grade`), and the cells carry nbgrader's metadata (schema 3), so
that a course running nbgrader can use it: each stub is an autograded answer cell (`solution`),
each cell that calls `check(...)` a locked autograded test cell worth 1 point. nbgrader-source/
holds the same notebooks with the marked reference code in the answer cells: nbgrader's source,
from which `nbgrader generate_assignment` makes this edition.
"""
import re

import nbformat

from tools.exercise_calls import CHECK_CALL, check_calls

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = 'raise NotImplementedError("write your code here")'
CHECK_KEY = CHECK_CALL   # the one check-call pattern, for tests/test_student_edition.py; code: check_calls


def nbgrader(kind, key, points=1):
    """nbgrader's cell metadata (schema 3) for an answer cell or a test cell of exercise `key`."""
    grade_id = f"{kind}-" + re.sub(r"[^A-Za-z0-9_-]", "_", key)
    if kind == "answer":
        return {"grade": False, "solution": True, "locked": False, "grade_id": grade_id, "schema_version": 3}
    return {"grade": True, "solution": False, "locked": True, "points": points, "grade_id": grade_id,
            "schema_version": 3}


class MarkingError(ValueError):
    """A solution is marked in a way the tool cannot strip safely."""


def strip_markers(source, where):
    """Replace every BEGIN/END SOLUTION region of a code cell by a stub line."""
    out, inside = [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise MarkingError(f"{where}: '{BEGIN}' twice without '{END}'")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f"{indent}{STUB}")
        elif stripped == END:
            if not inside:
                raise MarkingError(f"{where}: '{END}' without '{BEGIN}'")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise MarkingError(f"{where}: '{BEGIN}' without '{END}'")
    return "\n".join(out)


def student_notebook(nb, name="notebook", chapter=None, solutions=False):
    """The student edition of one notebook (a new object; `nb` is not changed). `chapter` (by
    default the stem of `name` when it is a notebook's file name) goes into its metadata.
    `solutions=True` keeps the reference code and its markers in the answer cells: the source
    nbgrader's `generate_assignment` turns into this edition (a marked region becomes its stub;
    an answer cell without markers would lose its whole code, the function's signature too)."""
    nb = nbformat.from_dict(nb)   # a copy
    chapter = chapter or (name.removesuffix(".ipynb") if name.endswith(".ipynb") else None)
    if chapter:
        nb.metadata.setdefault("nnbook", {})["chapter"] = chapter
    keys = [(index, calls[0].key) for index, cell in enumerate(nb.cells)
            if cell.cell_type == "code" and "solution" not in cell.metadata.get("tags", [])
            and (calls := check_calls(cell.source))]
    grade_ids = set()

    def mark(cell, kind, key):   # nbgrader wants every grade_id once
        meta = nbgrader(kind, key)
        base, n = meta["grade_id"], 1
        while meta["grade_id"] in grade_ids:
            n += 1
            meta["grade_id"] = f"{base}-{n}"
        grade_ids.add(meta["grade_id"])
        cell.metadata["nbgrader"] = meta

    cells = []
    for index, cell in enumerate(nb.cells):
        where = f"{name}, cell {index}"
        tags = cell.metadata.get("tags", [])
        is_solution = "solution" in tags
        if not is_solution and (BEGIN in cell.source or END in cell.source):
            raise MarkingError(f"{where}: solution markers in a cell not tagged 'solution'")
        if not is_solution and re.search(r"^`{3,}\s*\{solution", cell.source, re.M):
            raise MarkingError(f"{where}: a {{solution}} directive in a cell not tagged 'solution'")
        if is_solution:
            if cell.cell_type != "code" or BEGIN not in cell.source:
                continue   # solution text, or reference code with nothing to keep
            stub = strip_markers(cell.source, where)   # checks the markers in both editions
            cell.source = cell.source if solutions else stub
            cell.metadata["tags"] = [t for t in tags if t not in ("solution", "hide-input", "hide-cell")]
            key = next((key for at, key in keys if at > index), f"cell-{index}")   # its check's key
            mark(cell, "answer", key)
        elif any(at == index for at, _ in keys):
            mark(cell, "check", dict(keys)[index])
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    nb.cells = cells
    nbformat.validate(nb)
    return nb
