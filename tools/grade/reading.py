"""Reading a submission: which names a cell binds and reads (the book's one cell analysis,
tools/cells.py), its `check(...)` calls, which chapter the notebook is, where each answer is."""
import ast
import re
import warnings
from dataclasses import dataclass, field

from tools.cells import BUILTINS, code_facts, python_source
from tools.exercise_calls import CHECK_CALL, check_calls, is_check  # noqa: F401  (check_calls: the grader's reader too)

EXERCISE_BLOCK = re.compile(r"^(?:[:`]{3,}\{exercise\}|#{1,6} Exercise\b)", re.M)
MAX_NOTEBOOK_BYTES = 100 * 2**20


def python_of(source):
    """A cell's source as plain Python (IPython's %magics and !commands turned into calls)."""
    try:
        return python_source(source)
    except Exception:   # IPython could not read it either: the kernel will say why
        return source


def names(source):
    """(names a cell may bind at its top level, names it reads from the notebook's namespace),
    from the book's one cell analysis (tools/cells.py); builtins are not read from the notebook."""
    try:
        facts = code_facts(source, set())
    except (SyntaxError, ValueError, RecursionError, MemoryError):   # the kernel will say what is wrong
        return set(), set()
    return facts.binds, facts.reads - BUILTINS - {"get_ipython"}   # the kernel provides get_ipython


def besides_the_checks(source):
    """What a check cell holds besides its check calls and `from nnbook.exercises import check`:
    code a student wrote there, which runs as part of the exercise ('' when there is none)."""
    try:
        code = python_of(source)
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):   # the kernel will say what is wrong
        return "\n".join(line for line in source.splitlines()
                         if not CHECK_CALL.search(line) and "nnbook.exercises" not in line).strip()
    drop = set()
    for statement in tree.body:
        is_import = isinstance(statement, ast.ImportFrom) and statement.module == "nnbook.exercises"
        calls = [n for n in ast.walk(statement) if isinstance(n, ast.Call) and is_check(n.func)]
        if is_import or calls:
            drop.update(range(statement.lineno, statement.end_lineno + 1))
    lines = code.splitlines()
    kept = [line for number, line in enumerate(lines, 1) if number not in drop]
    return "\n".join(kept).strip()


def normalised(source):
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


@dataclass
class Found:
    """Where an exercise is in a submission."""
    exercise: object        # the chapter's Exercise (chapter.py)
    answer: str = None      # the answer expression of the submission's check call
    cells: list = field(default_factory=list)   # the student's code for it, in order
    missing: str = ""       # why it counts as not answered


def read_notebook(data):
    """The notebook in `data` (bytes), or a message saying why it is not one."""
    import nbformat
    if len(data) > MAX_NOTEBOOK_BYTES:
        return None, f"not graded: the file is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, "not graded: not a notebook (the file is not text)"
    try:
        with warnings.catch_warnings():   # a student's notebook may lack cell ids etc.: read it anyway
            warnings.simplefilter("ignore")
            nb = nbformat.reads(text, as_version=4)
    except Exception as error:
        reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        return None, f"not graded: not a Jupyter notebook ({reason})"
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) and isinstance(c.get("source"), str)
                                              and c.get("cell_type") in ("code", "markdown", "raw")
                                              for c in cells):
        return None, "not graded: the file is JSON but its cells are not a notebook's"
    for cell in cells:
        cell.setdefault("metadata", {})
    return nb, ""


def identify(nb, chapters):
    """(chapter, note) for a notebook: the chapter its metadata names, else the one whose code it
    shares most (an edition without the metadata, or of a chapter since renamed); (None, why) if none."""
    meta = nb.get("metadata", {}).get("nnbook", {})
    said = meta.get("chapter") if isinstance(meta, dict) else None
    if isinstance(said, str) and said in chapters:
        return chapters[said], ""
    code = {normalised(c.source) for c in nb.cells if c.cell_type == "code"}
    calls = [call for c in nb.cells if c.cell_type == "code" for call in check_calls(c.source)]
    titles = {m.group(1).strip() for c in nb.cells if c.cell_type == "markdown"
              for m in [re.search(r"^# (.+)$", c.source, re.M)] if m}

    def score(chapter):
        keys = {e.key for e in chapter.exercises}
        answers = {e.answer for e in chapter.exercises}
        return (len(code & chapter.code) + 3 * sum(key in keys or answer in answers for key, answer, _ in calls)
                + 5 * (chapter.title in titles))
    best = max(chapters.values(), key=score, default=None)
    if best is None or score(best) < 3:
        return None, "not graded: not a notebook of one of this book's chapters"
    if isinstance(said, str):
        return best, (f"the notebook says it is chapter {said!r}, which this edition of the book does "
                      f"not have; graded as {best.name}, whose code it shares")
    return best, f"the notebook does not say which chapter it is (an older edition?); graded as {best.name}, whose code it shares"


def locate(nb, chapter):
    """Where each of the chapter's exercises is in the notebook: its check call, and the code the
    student wrote for it (the code cells between the exercise's statement and its check)."""
    cells = nb.cells
    calls = {i: check_calls(c.source) for i, c in enumerate(cells) if c.cell_type == "code"}
    checks = sorted(i for i, found in calls.items() if found)
    found = []
    for exercise in chapter.exercises:
        by_key = [(i, a) for i in checks for key, a, _ in calls[i] if key == exercise.key]
        by_answer = [(i, a) for i in checks for _, a, _ in calls[i] if a == exercise.answer]
        where = (by_key or by_answer or [None])[-1]
        if where is None:
            found.append(Found(exercise, missing=(
                f'not answered: the notebook has no check("{exercise.key}", …) cell (deleted or '
                "renamed?), so the exercise counts as not answered")))
            continue
        at, answer = where
        starts = [i for i in range(at) if (cells[i].cell_type == "markdown" and EXERCISE_BLOCK.search(cells[i].source))
                  or i in checks]
        start = starts[-1] if starts else -1
        mine = [c.source for c in cells[start + 1:at]
                if c.cell_type == "code" and normalised(c.source) not in chapter.code and c.source.strip()]
        extra = besides_the_checks(cells[at].source)
        found.append(Found(exercise, answer, mine + ([extra] if extra else [])))
    return found
