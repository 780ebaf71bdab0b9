"""The student edition (tools/make_student.py, `make student`): solutions out, checks in, runs."""
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import make_student  # noqa: E402
from make_student import BEGIN, END, MarkingError, strip_markers, student_notebook  # noqa: E402

from test_notebooks import CHAPTERS  # noqa: E402


def code(source, tags=()):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = list(tags)
    return cell


def markdown(source, tags=()):
    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata["tags"] = list(tags)
    return cell


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


SOLVED = f'''def sigmoid_prime(z):
    """The derivative."""
    {BEGIN}
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)
    {END}'''


def test_marked_lines_become_a_stub_at_their_indentation():
    stub = strip_markers(SOLVED, "here")
    assert stub.splitlines() == ['def sigmoid_prime(z):', '    """The derivative."""',
                                 "    # YOUR CODE HERE", f"    {make_student.STUB}"]
    namespace = {}
    exec(stub, namespace)                          # the stub cell runs ...
    with pytest.raises(NotImplementedError):       # ... and the function says what to do
        namespace["sigmoid_prime"](0.0)


def test_solution_cells_go_and_everything_else_stays():
    nb = notebook(markdown(":::{exercise}\n:label: ex\nDo it.\n:::"),
                  code(SOLVED, ["solution", "hide-input"]),
                  code('check("1.1", sigmoid_prime)'),
                  markdown("````{solution} ex\n:class: dropdown\nThe answer is 42.\n````", ["solution"]),
                  code("reference_only = 42", ["solution"]))
    student = student_notebook(nb)
    text = "\n".join(cell.source for cell in student.cells)
    assert "The answer is 42" not in text and "reference_only" not in text
    assert "np.exp(-z)" not in text and BEGIN not in text
    assert 'check("1.1", sigmoid_prime)' in text and "Do it." in text
    assert student.cells[1].metadata["tags"] == []     # the stub is shown, not hidden
    assert len(nb.cells) == 5                           # the source notebook is untouched


@pytest.mark.parametrize("cells, message", [
    ([code(SOLVED)], "markers in a cell not tagged 'solution'"),
    ([markdown("````{solution} ex\nsecret\n````")], "directive in a cell not tagged 'solution'"),
    ([code(f"{BEGIN}\nx = 1", ["solution"])], f"'{BEGIN}' without '{END}'"),
    ([code(f"x = 1\n{END}\n{BEGIN}\n{END}", ["solution"])], f"'{END}' without '{BEGIN}'"),
    ([code(f"{BEGIN}\n{BEGIN}\n{END}", ["solution"])], "twice"),
])
def test_wrongly_marked_solutions_fail_loudly(cells, message):
    with pytest.raises(MarkingError, match=message):
        student_notebook(notebook(*cells), "nb")


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    return {path.name: path for path in make_student.main(out)}


def solution_texts(nb):
    """Every piece of solution text or code of a source notebook, line by line."""
    lines = []
    for cell in nb.cells:
        if "solution" not in cell.metadata.get("tags", []):
            continue
        body, inside = [], cell.cell_type == "markdown" or BEGIN not in cell.source
        for line in cell.source.splitlines():
            if line.strip() == BEGIN:
                inside = True
            elif line.strip() == END:
                inside = False
            elif inside:
                body.append(line.strip())
        lines += [line for line in body if len(line) > 12 and not line.startswith(("#", ":", "````"))]
    return lines


def test_every_chapter_has_a_student_edition(edition):
    assert sorted(edition) == sorted(path.name for path in CHAPTERS)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_solution_survives_and_the_checks_do(path, edition):
    source = nbformat.read(path, as_version=4)
    student = nbformat.read(edition[path.name], as_version=4)
    nbformat.validate(student)
    text = "\n".join(cell.source for cell in student.cells)
    assert "{solution}" not in text and BEGIN not in text
    leaked = [line for line in solution_texts(source)
              if line in text and line not in "\n".join(c.source for c in source.cells
                                                          if "solution" not in c.metadata.get("tags", []))]
    assert not leaked, f"solution lines left in the student edition: {leaked[:5]}"
    checks = [c.source for c in source.cells if c.cell_type == "code" and "check(" in c.source]
    assert all(check in text for check in checks), "every answer check stays"


def _needs_mnist(path):
    return path.name.startswith(("05", "06"))


@pytest.mark.slow
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_student_notebook_runs_and_only_stub_cells_may_raise(path, edition, monkeypatch, request):
    """A student opens the notebook and runs it all before writing anything."""
    from nbclient import NotebookClient
    if _needs_mnist(path):
        request.getfixturevalue("mnist_root")           # skips visibly without the MNIST files
    monkeypatch.delenv("NNBOOK_RESULTS_DIR", raising=False)   # a student's run records nothing
    nb = nbformat.read(edition[path.name], as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(edition[path.name].parent)}}).execute()
    raised = [(i, out.get("ename")) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
              for out in cell.outputs if out.output_type == "error"
              if "# YOUR CODE HERE" not in cell.source]
    assert not raised, f"cells that raised in the student edition (index, error): {raised}"
    checks = [cell for cell in nb.cells if cell.cell_type == "code" and "check(" in cell.source]
    said = ["".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in c.outputs)
            for c in checks]
    assert all("not answered yet" in s for s in said), f"checks on the stubs should say so: {said}"
