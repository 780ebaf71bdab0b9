"""The book's chapters as the grader sees them: their exercises, their set-up cells, and which
set-up an exercise needs."""
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from tools.book import chapters as book_chapters
from tools.grade.reading import check_calls, names, normalised


@dataclass
class SetupCell:
    position: int          # index in the chapter's cells
    source: str
    binds: set
    reads: set


@dataclass
class Exercise:
    key: str               # as the chapter's check call names it ("1.5", "ex-cross-entropy", ...)
    answer: str            # the check call's second argument, e.g. "neuron_forward"
    position: int          # index of the check cell in the chapter


@dataclass
class Chapter:
    name: str              # the notebook's stem, e.g. "01_neuron"
    title: str
    exercises: list
    setup: list            # every code cell that is neither a solution nor a check
    first: SetupCell       # the chapter's imports (always run)
    code: set              # the chapter's own code cells (normalised): not a student's
    fingerprint: str       # changes when the chapter or the checks change

    def needed(self, reads, before):
        """The set-up cells (positions) that provide `reads`, and what those read in turn."""
        wanted, todo = {self.first.position}, [(name, before) for name in reads]
        seen = set()
        while todo:
            name, limit = todo.pop()
            if (name, limit) in seen:
                continue
            seen.add((name, limit))
            providers = [cell for cell in self.setup if cell.position < limit and name in cell.binds]
            if providers:
                cell = providers[-1]
                if cell.position not in wanted:
                    wanted.add(cell.position)
                    todo += [(n, cell.position) for n in cell.reads]
        return wanted


def _tags(cell):
    return cell.metadata.get("tags", [])


def checks_fingerprint():
    """The checks' and the grader's code: grades made with other code are graded again."""
    import nnbook.exercises
    from tools import grade_wire
    digest = hashlib.sha256()
    for path in [*sorted(Path(nnbook.exercises.__file__).parent.glob("*.py")),
                 *sorted(Path(__file__).parent.glob("*.py")), Path(grade_wire.__file__)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_chapter(path):
    import nbformat
    nb = nbformat.read(path, as_version=4)
    exercises, setup, code = [], [], set()
    for position, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if "solution" in _tags(cell):
            continue
        calls = check_calls(cell.source)
        for key, answer, _ in calls:
            if key not in {e.key for e in exercises}:
                exercises.append(Exercise(key, answer, position))
        code.add(normalised(cell.source))
        if not calls:
            setup.append(SetupCell(position, cell.source, *names(cell.source)))
    first = next((cell for cell in setup if "remove-cell" not in _tags(nb.cells[cell.position])
                  and re.search(r"^\s*(import|from)\s", cell.source, re.M)), None)
    if first is None:
        raise ValueError(f"{path.name}: no code cell with the chapter's imports")
    title = next((m.group(1) for c in nb.cells if c.cell_type == "markdown"
                  for m in [re.search(r"^# (.+)$", c.source, re.M)] if m), path.stem)
    digest = hashlib.sha256(path.read_bytes() + checks_fingerprint().encode()).hexdigest()
    return Chapter(path.stem, title.strip(), exercises, setup, first, code, digest)


def read_chapters():
    return {chapter.name: chapter for chapter in map(read_chapter, book_chapters())}
