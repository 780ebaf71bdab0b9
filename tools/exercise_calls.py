"""The one reader of a cell's self-checks, `check("<key>", answer)`: shared by the student edition
(which cell checks which exercise: nbgrader's metadata) and the grader (which answer to grade).

    from tools.exercise_calls import check_calls
    check_calls('check("ex-neuron-forward", forward)')   # [CheckCall("ex-neuron-forward", "forward", (1, 1))]

The cell is read as Python (IPython's magics translated, tools/cells.py) and every call of `check`
or `<module>.check` with a string key and an answer is found, by position or by keyword (`label=`,
`answer=`). A cell that does not parse (a student's broken code) can still name its check: then
the calls of the plain form `check("<key>", name)` are read with a pattern, without line numbers.
Keys are opaque strings.
"""
from __future__ import annotations

import ast
import re
from typing import NamedTuple

from tools.cells import python_source

CHECK_CALL = re.compile(r"""\bcheck\(\s*(["'])([^"'\n]+)\1\s*,\s*([A-Za-z_][\w.]*)\s*\)""")


class CheckCall(NamedTuple):
    key: str                          # the exercise's label, "ex-neuron-forward"
    answer: str                       # the answer's source text, "forward"
    lines: tuple[int, int] | None     # the lines of the top-level statement that holds the call


def is_check(func) -> bool:
    """Whether a call's function is `check` or `<module>.check`."""
    return (isinstance(func, ast.Name) and func.id == "check") or \
           (isinstance(func, ast.Attribute) and func.attr == "check")


def _statement_lines(tree, call) -> tuple[int, int]:
    for statement in tree.body:
        if statement.lineno <= call.lineno and call.end_lineno <= statement.end_lineno:
            return statement.lineno, statement.end_lineno
    return call.lineno, call.end_lineno


def check_calls(source: str) -> list[CheckCall]:
    """The `check("<key>", answer)` calls of a cell, in the order they are written."""
    try:
        code = python_source(source)
    except Exception:   # IPython could not read it either: the kernel will say why
        code = source
    try:
        tree = ast.parse(code)
        calls = []
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and is_check(node.func)):
                continue
            arguments = dict(zip(("label", "answer"), node.args))
            arguments.update({k.arg: k.value for k in node.keywords if k.arg in ("label", "answer")})
            key, answer = arguments.get("label"), arguments.get("answer")
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and answer is not None:
                calls.append((node.lineno, node.col_offset, CheckCall(
                    key.value, ast.get_source_segment(code, answer), _statement_lines(tree, node))))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # a broken (or absurdly nested: a student's x.a.a.a...) cell can still name its check
        return [CheckCall(m.group(2), m.group(3), None) for m in CHECK_CALL.finditer(source)]
    return [call for _, _, call in sorted(calls)]
