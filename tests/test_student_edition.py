"""The student edition (`make student`, which runs tools/make_notebooks.py --student; the solution
rules are tools/make_student.py's): solutions out, checks in, runs."""
from pathlib import Path

import nbformat
import pytest

import editions
from editions import Anything
from test_notebooks import CHAPTERS
from tools import grade, make_student
from tools.notebook_editions.book import Build
from tools.notebook_editions.edition import write_editions
from tools.make_student import BEGIN, END, MarkingError, strip_markers, student_notebook

ROOT = Path(__file__).resolve().parents[1]


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


STAND_IN_BUILD = Build(glue=Anything(lambda key: "1.5"), labels=Anything(lambda label: (f"x.html#{label}", label)),
                       docs=Anything(lambda doc: (f"{doc}.html", doc)), machine="no machine", date="never")


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    """The student edition as `make student` writes it (make_notebooks.write_editions, student=True),
    with stand-in numbers for the build's: {file name: path}."""
    out = tmp_path_factory.mktemp("student")
    written = write_editions(out, student=True, root=ROOT, build=STAND_IN_BUILD)
    return {Path(docname).name + ".ipynb": out / f"{docname}.ipynb" for docname in written}


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


# ---- nbgrader's cell metadata ------------------------------------------------------------------------
# nbgrader's schema 3 as its documentation states it (contributor guide, "Notebook metadata"):
# https://nbgrader.readthedocs.io/en/stable/contributor_guide/metadata.html
NBGRADER_V3 = {
    "type": "object",
    "properties": {
        "schema_version": {"type": "integer", "minimum": 3, "maximum": 3},
        "grade": {"type": "boolean"}, "locked": {"type": "boolean"},
        "solution": {"type": "boolean"}, "task": {"type": "boolean"},
        "grade_id": {"type": "string", "pattern": "^[a-zA-Z0-9_\\-]*$"},
        "points": {"type": "number", "minimum": 0},
        "checksum": {"type": "string", "minLength": 32, "maxLength": 32},
        "cell_type": {"type": "string", "enum": ["raw", "code", "markdown"]},
    },
    "required": ["schema_version", "grade", "locked", "solution"],
    "additionalProperties": False,
}


def nbgrader_problems(nb):
    """What nbgrader's validator would reject in a notebook's cell metadata (its documented rules)."""
    import jsonschema
    problems, ids = [], set()
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        try:
            jsonschema.validate(meta, NBGRADER_V3)
        except jsonschema.ValidationError as error:
            problems.append(f"cell {index}: {error.message}")
            continue
        if (meta["grade"] or meta["solution"] or meta["locked"]) and not meta.get("grade_id"):
            problems.append(f"cell {index}: no grade_id")
        if meta["grade"] and "points" not in meta:
            problems.append(f"cell {index}: a grade cell without points")
        if cell.cell_type == "markdown" and meta["grade"] != meta["solution"] and not meta.get("task"):
            problems.append(f"cell {index}: a markdown cell must be grade and solution, or neither")
        if meta.get("grade_id") in ids:
            problems.append(f"cell {index}: grade_id {meta['grade_id']} twice")
        ids.add(meta.get("grade_id"))
    return problems


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_edition_carries_its_chapter_and_nbgraders_metadata(path, edition):
    student = nbformat.read(edition[path.name], as_version=4)
    assert student.metadata["nnbook"]["chapter"] == path.stem       # what `make grade` reads
    assert not nbgrader_problems(student)
    answers = [c for c in student.cells if c.metadata.get("nbgrader", {}).get("solution")]
    tests = [c for c in student.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert answers == [c for c in student.cells if make_student.STUB in c.source]   # every stub, only stubs
    assert tests == [c for c in student.cells if c.cell_type == "code" and make_student.CHECK_KEY.search(c.source)]
    assert all(c.metadata.nbgrader["locked"] and c.metadata.nbgrader["points"] == 1 for c in tests)
    assert not any(c.metadata.nbgrader["locked"] for c in answers)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_nbgraders_source_is_the_edition_with_the_marked_reference_code(path, edition):
    # nbgrader's generate_assignment replaces a marked region by its stub, and an answer cell
    # without markers by a bare stub (losing the function's signature): courses give it this source
    source = nbformat.read(edition[path.name].parents[1] / "nbgrader-source" / path.name, as_version=4)
    student = nbformat.read(edition[path.name], as_version=4)
    assert not nbgrader_problems(source)
    assert [c.metadata for c in source.cells] == [c.metadata for c in student.cells]
    for mine, theirs in zip(source.cells, student.cells):
        if mine.metadata.get("nbgrader", {}).get("solution"):
            assert BEGIN in mine.source and strip_markers(mine.source, "") == theirs.source
        else:
            assert mine.source == theirs.source


def test_nbgraders_rules_catch_what_they_should():
    cell = code("x = 1")
    nb = notebook(cell, code("y = 2"))
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "schema_version": 3}
    assert nbgrader_problems(nb) == ["cell 0: no grade_id", "cell 0: a grade cell without points"]
    cell.metadata["nbgrader"].update(grade_id="check 1.5", points=1)
    assert "does not match" in nbgrader_problems(nb)[0]
    cell.metadata["nbgrader"].update(grade_id="check-1_5", extra=1)
    assert "Additional properties" in nbgrader_problems(nb)[0]
    del cell.metadata["nbgrader"]["extra"]
    nb.cells[1].metadata["nbgrader"] = dict(cell.metadata["nbgrader"])
    assert nbgrader_problems(nb) == ["cell 1: grade_id check-1_5 twice"]


# ---- nbgrader itself ----------------------------------------------------------------------------------
# nbgrader is not in requirements.txt: it pulls in ipywidgets, with which tqdm.auto draws widgets in the
# executed chapters (5 and 8 show progress bars), and the static book would need the widgets' JavaScript.
# The tests run it from a venv of its own layered on the book's (a .pth file: the book's packages, plus
# nbgrader and what only it needs), made once in _build/nbgrader-venv (pip, about 10 s).
NBGRADER = "nbgrader>=0.9,<1"


@pytest.fixture(scope="session")
def nbgrader_env():
    """The environment in which `nbgrader` (and its kernels) run: {PATH, PYTHONPATH, ...}."""
    import os
    import site
    import subprocess
    import sys
    import venv
    where = ROOT / "_build" / "nbgrader-venv"
    python = where / "bin" / "python"
    if subprocess.run([str(python), "-c", "import nbgrader"], capture_output=True).returncode if python.exists() else 1:
        venv.EnvBuilder(with_pip=True, clear=True).create(where)
        purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        Path(purelib, "nnbook-book-venv.pth").write_text("\n".join(site.getsitepackages()) + "\n")
        installed = subprocess.run([str(python), "-m", "pip", "install", "-q", NBGRADER], capture_output=True, text=True)
        assert installed.returncode == 0, f"pip could not install {NBGRADER}: {installed.stderr[-2000:]}"
    return {**os.environ, "PATH": f"{where / 'bin'}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT)}


@pytest.mark.slow
def test_nbgrader_itself_accepts_every_chapters_edition(edition, nbgrader_env):
    import subprocess
    script = ("import sys, nbformat\nfrom nbgrader.nbgraderformat import MetadataValidator\n"
              "for path in sys.argv[1:]:\n    MetadataValidator().validate_nb(nbformat.read(path, as_version=4))\n"
              "    nb = nbformat.read(path.replace('/chapters/', '/nbgrader-source/'), as_version=4)\n"
              "    MetadataValidator().validate_nb(nb)\n")
    run = subprocess.run(["python", "-c", script, *map(str, edition.values())], env=nbgrader_env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]


@pytest.mark.slow
def test_nbgrader_round_trip_scores_full_nothing_and_in_between(edition, nbgrader_env, tmp_path):
    """nbgrader's generate_assignment on a chapter's nbgrader-source, then autograde of three
    submissions: the reference answers (every point), the release untouched (none), and the
    reference answers with one wrong (all but that one's point)."""
    import json
    import subprocess
    name = "01_neuron.ipynb"
    course = tmp_path / "course"
    (course / "source" / "ps1").mkdir(parents=True)
    source = nbformat.read(edition[name].parents[1] / "nbgrader-source" / name, as_version=4)
    nbformat.write(source, course / "source" / "ps1" / name)
    (course / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.root = {str(course)!r}\n"
                                               "c.CourseDirectory.course_id = 'nnbook'\n")

    def nbgrader(*args):
        run = subprocess.run(["nbgrader", *args], cwd=course, env=nbgrader_env, capture_output=True, text=True,
                             timeout=1200)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]

    nbgrader("generate_assignment", "ps1", "--force")
    release = nbformat.read(course / "release" / "ps1" / name, as_version=4)
    answers = [i for i, c in enumerate(release.cells) if c.metadata.get("nbgrader", {}).get("solution")]
    assert answers and all("raise NotImplementedError()" in release.cells[i].source   # nbgrader's own stub
                           and BEGIN not in release.cells[i].source for i in answers)
    wrong = nbformat.from_dict(source)
    first = grade.read_chapter(ROOT / "chapters" / name).exercises[0].answer
    wrong.cells[answers[0]].source += (f"\n\n_reference = {first}\ndef {first}(*args, **kwargs):\n"
                                       "    return _reference(*args, **kwargs) + 0.5   # a wrong answer\n")
    for student, nb in {"reference": source, "untouched": release, "one_wrong": wrong}.items():
        (course / "submitted" / student / "ps1").mkdir(parents=True)
        nbformat.write(nb, course / "submitted" / student / "ps1" / name)
    nbgrader("autograde", "ps1", "--create", "--force")
    scores = subprocess.run(["python", "-c", (
        "import json, sys\nfrom nbgrader.api import Gradebook\n"
        "with Gradebook('sqlite:///' + sys.argv[1]) as gb:\n"
        "    print(json.dumps({s: [gb.find_submission('ps1', s).score, gb.find_submission('ps1', s).max_score]"
        " for s in ('reference', 'untouched', 'one_wrong')}))"), str(course / "gradebook.db")],
        env=nbgrader_env, capture_output=True, text=True, check=True).stdout
    scores = json.loads(scores)
    points = len(answers)
    assert scores == {"reference": [points, points], "untouched": [0, points], "one_wrong": [points - 1, points]}


# ---- the student edition runs: two facts instead of executing every chapter twice ----------------------
# The promise is that a student can run the edition top to bottom and only the stubs they have
# not written yet complain. It follows from (1) its code outside the answer cells is the reader's
# edition's (the source's, with the hidden cells make_notebooks.py drops or softens, which its own
# tests and `make test-colab` run); (2) none of that code reads a name an answer cell defines, so
# the stubs cannot break it; (3) its exercise section runs with the stubs: the grader runs the
# chapter's set-up that the exercises need, the stub cells, and every check, which says
# "not answered yet". The reference solutions, graded the same way, pass every check.

def _outside_the_answers(nb, is_answer):
    return [grade.normalised(c.source) for c in nb.cells if c.cell_type == "code" and not is_answer(c)]


@pytest.fixture(scope="module")
def readers_edition(tmp_path_factory):
    """The reader's edition as `make notebooks` writes it, with the same stand-in numbers."""
    out = tmp_path_factory.mktemp("reader")
    written = write_editions(out, student=False, root=ROOT, build=STAND_IN_BUILD)
    return {Path(docname).name + ".ipynb": out / f"{docname}.ipynb" for docname in written}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_code_outside_the_answer_cells_is_the_readers_editions(path, edition, readers_edition):
    student = nbformat.read(edition[path.name], as_version=4)
    reader = nbformat.read(readers_edition[path.name], as_version=4)
    mine = _outside_the_answers(student, lambda c: c.metadata.get("nbgrader", {}).get("solution"))
    theirs = _outside_the_answers(reader, lambda c: "solution" in c.metadata.get("tags", []))
    branch = "@student\"" 
    assert [code.replace(branch, "@notebooks\"") for code in mine] == theirs   # the install cell's branch differs


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_cell_but_a_check_reads_what_an_answer_cell_defines(path):
    defined, readers = {}, []
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "code":
            continue
        binds, reads = grade.names(cell.source)
        if "solution" in cell.metadata.get("tags", []):
            defined.update(dict.fromkeys(binds, index))
        elif not grade.check_calls(cell.source):
            readers += [(index, name, defined[name]) for name in reads if name in defined]
    assert not readers, ("cells that read a name an answer cell defines (the stub in the student "
                         f"edition): (cell, name, answer cell) {readers}")


def test_the_reader_of_answer_names_sees_inside_functions():
    # the test above is only as good as grade.names: it sees a name read inside a function
    assert "forward_columns" in grade.names("def f():\n    return forward_columns(X)\nf()")[1]


@pytest.fixture(scope="module")
def graded_editions(tmp_path_factory, edition):
    """Every chapter's untouched student edition (as `make student` writes it) and the same with
    the reference solutions in its answer cells, graded."""
    folder = tmp_path_factory.mktemp("editions")
    for path in CHAPTERS:
        nb = nbformat.read(edition[path.name], as_version=4)
        editions.write(nb, folder / "untouched" / path.name)
        stubs, references = editions.answer_cells(nb), editions.reference_solutions(path)
        assert len(stubs) == len(references), "a stub for each marked solution"
        for cell, reference in zip(stubs, references):
            cell.source = reference
        editions.write(nb, folder / "solved" / path.name)
    return grade.grade_folder(folder, progress=False)


@pytest.mark.slow
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_exercise_section_runs_with_stubs_and_the_solutions_pass(path, graded_editions):
    mine = {kind: [r for r in graded_editions if r.submission == f"{kind}/{path.name}"]
            for kind in ("untouched", "solved")}
    keys = [e.key for e in grade.read_chapter(path).exercises]
    assert [r.exercise for r in mine["untouched"]] == keys == [r.exercise for r in mine["solved"]]
    assert all(not r.passed and r.message.startswith("not answered yet") for r in mine["untouched"]), \
        mine["untouched"]
    assert all(r.passed for r in mine["solved"]), mine["solved"]
