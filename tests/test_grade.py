"""The grader (tools/grade/, `make grade`): the book's checks on a folder of students' notebooks,
robust to bad submissions, with verdicts a student's kernel cannot forge."""
import base64
import csv
import io
import json
import os
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

import editions

from nnbook.exercises import check
from tools import grade, grade_wire
from tools.notebook_editions.convert import Context   # the editions' exercise headings

ROOT = Path(__file__).resolve().parents[1]


# ---- the wire format ------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    None, True, 3, -2**70, 2.5, float("inf"), "text",
    np.arange(6.0).reshape(2, 3), np.array([1, 2], dtype=np.int8), np.array([True, False]),
    np.zeros((0, 3)), np.arange(12.0).reshape(3, 4).T,        # empty; not contiguous
    (1, [2.0, np.ones(2)], {"W1": np.eye(2), 3: "x"}),
], ids=repr)
def test_values_travel_unchanged(value):
    back = grade_wire.decode(grade_wire.encode(value))
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and np.array_equal(back, value)
    elif isinstance(value, tuple):
        assert repr(back) == repr(value)
    else:
        assert back == value


def test_numpy_scalars_nan_and_tensors_keep_their_kind():
    # a check tells an int from a float, and a count must stay numbers.Integral
    for scalar in (np.int64(7), np.float32(0.5), np.bool_(True)):
        back = grade_wire.decode(grade_wire.encode(scalar))
        assert type(back) is type(scalar) and back == scalar
    assert np.isnan(grade_wire.decode(grade_wire.encode(float("nan"))))
    tensor = torch.arange(4.0)
    back = grade_wire.decode(grade_wire.encode(tensor))
    assert isinstance(back, torch.Tensor) and torch.equal(back, tensor)


def test_anything_else_arrives_as_an_inert_stand_in():
    class Sneaky:
        def __repr__(self):
            return "Sneaky()"
    back = grade_wire.decode(grade_wire.encode([Sneaky(), np.array([object()], dtype=object)]))
    assert [type(item).__name__ for item in back] == ["Sneaky", "ndarray"]
    assert repr(back[0]) == "Sneaky()" and not callable(back[0])
    with pytest.raises(TypeError):           # a check asking for numbers gets a clear no
        np.asarray(back[0], dtype=float)


def _pickled_object_array():
    buffer = io.BytesIO()
    np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize("payload, message", [
    ({"ndarray": _pickled_object_array()}, "does not load"),     # pickles are never loaded
    ({"ndarray": "not base64!"}, "does not load"),
    ({"exec": "print(1)"}, "unknown entry"),
    ({"dict": [[1]]}, "not a pair"),
    ({"scalar": grade_wire._npy(np.ones(2))}, "not 0-dimensional"),
])
def test_malformed_payloads_are_refused(payload, message):
    with pytest.raises(grade_wire.WireError, match=message):
        grade_wire.decode(json.dumps(payload))


def test_oversized_payloads_are_refused_unread(monkeypatch):
    monkeypatch.setattr(grade_wire, "MAX_BYTES", 100)
    with pytest.raises(grade_wire.WireError, match="larger than"):
        grade_wire.decode(json.dumps(list(range(100))))


# ---- reading notebooks ------------------------------------------------------------------------------

def test_names_a_cell_binds_and_reads():
    binds, reads = grade.names("import numpy as np\n%matplotlib inline\n"
                               "def f(x):\n    return sigmoid(x) + np.exp(offset)\nclass C: pass\ny = f(2)")
    assert binds == {"np", "f", "C", "y"}
    assert reads == {"sigmoid", "offset"}       # np and f are the cell's own by the time they are read
    assert grade.names("x = x + 1\nprint(x)")[1] == {"x"}
    assert grade.names("def broken(:\n") == (set(), set())


@pytest.mark.parametrize("cell, calls", [
    ('from nnbook.exercises import check\n\ncheck("1.5", neuron_forward)', [("1.5", "neuron_forward")]),
    ("check('ex-cross-entropy', answer=lambda Z, y: 0.0)", [("ex-cross-entropy", "lambda Z, y: 0.0")]),
    ('feedback = check(label="ex-xor-net", answer=net)\nprint(feedback)', [("ex-xor-net", "net")]),
    ('check("1.6", bce_gradient)  # and a syntax error )(', [("1.6", "bce_gradient")]),
    ("check_gradients(model)\nx.check('a', b)", [("a", "b")]),
])
def test_check_calls_are_read_with_opaque_keys(cell, calls):
    assert [(key, answer) for key, answer, _ in grade.check_calls(cell)] == calls


def test_student_code_in_a_check_cell_is_kept():
    cell = 'from nnbook.exercises import check\ndef helper():\n    return 1\ncheck("1.5", helper)'
    assert grade.besides_the_checks(cell) == "def helper():\n    return 1"


def test_only_the_set_up_the_answers_read_runs(tmp_path):
    cells = ["import numpy as np", "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))",
             "def train(g):\n    return g(np.zeros(3))", "SLOW = 1\nweights = train(sigmoid) * SLOW",
             "unrelated = np.ones(2)", "def f(X):\n    raise NotImplementedError",
             'from nnbook.exercises import check\ncheck("1.5", f)']
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.cells[5].metadata["tags"] = ["solution"]
    nbformat.write(nb, tmp_path / "01_tiny.ipynb")
    tiny = grade.read_chapter(tmp_path / "01_tiny.ipynb")
    assert [(e.key, e.answer, e.position) for e in tiny.exercises] == [("1.5", "f", 6)]
    assert tiny.needed(set(), 6) == {0}                          # the imports, always
    assert tiny.needed({"sigmoid"}, 6) == {0, 1}
    assert tiny.needed({"weights"}, 6) == {0, 1, 2, 3}           # and what that cell reads, in turn
    assert tiny.needed({"weights"}, 3) == {0}                    # only cells before the exercise


def test_what_a_function_does_to_its_arguments_comes_back():
    # checks test that a function leaves its inputs alone: the kernel's changes reach the grader's copies
    X, rows, table = np.zeros(3), [np.zeros(2)], {"W": np.zeros(2)}
    grade._sync([X, rows, table], [np.ones(3), [np.ones(2), 5], {"W": np.full(2, 2.0)}])
    assert X.tolist() == [1, 1, 1] and rows[0].tolist() == [1, 1] and len(rows) == 2
    assert table["W"].tolist() == [2, 2]


@pytest.mark.parametrize("data, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not text"),
    (b"print('hello')", "not a Jupyter notebook"),
    (b'{"cells": "nope", "metadata": {}, "nbformat": 4, "nbformat_minor": 5}', "not a Jupyter notebook"),
    (b'{"cells": [{"cell_type": "image", "source": "", "metadata": {}}], "metadata": {}, '
     b'"nbformat": 4, "nbformat_minor": 5}', "its cells are not a notebook's"),
])
def test_a_file_that_is_not_a_notebook_says_so(data, message):
    nb, problem = grade.read_notebook(data)
    assert nb is None and message in problem


@pytest.fixture(scope="module")
def chapters():
    return grade.read_chapters()


@pytest.fixture(scope="module")
def chapter(chapters):
    """The first chapter with at least two self-checking exercises: the bad cases break the first
    and expect the second graded as usual."""
    return next(c for c in chapters.values() if len(c.exercises) >= 2)


def _path(chapter):
    return ROOT / "chapters" / f"{chapter.name}.ipynb"


def _old_edition(nb):
    """The notebook as an edition made before the metadata and the current keys: no nnbook.chapter,
    no nbgrader metadata, every check key different (the answers keep their names)."""
    nb = nbformat.from_dict(nb)
    nb.metadata.get("nnbook", {}).pop("chapter", None)
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
        for key, _, _ in grade.check_calls(cell.source) if cell.cell_type == "code" else []:
            cell.source = cell.source.replace(f'"{key}"', f'"old-{key}"')
    return nb


def test_the_chapter_is_read_from_the_notebook_never_its_name(chapters, chapter):
    nb = editions.student(_path(chapter))
    assert grade.identify(nb, chapters) == (chapter, "")
    found, note = grade.identify(_old_edition(nb), chapters)
    assert found is chapter and "does not say which chapter" in note
    nb.metadata["nnbook"]["chapter"] = "99_renamed_since"
    found, note = grade.identify(nb, chapters)
    assert found is chapter and "'99_renamed_since', which this edition of the book does not have" in note
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('my own project')")])
    assert grade.identify(other, chapters)[0] is None


def test_an_old_editions_checks_are_found_by_their_answers_names(chapter):
    found = grade.locate(_old_edition(editions.solved(_path(chapter))), chapter)
    assert [item.answer for item in found] == [e.answer for e in chapter.exercises]
    assert not any(item.missing for item in found)


def test_the_editions_exercise_headings_bound_each_answer(chapter):
    # make_notebooks.py turns each {exercise} block into a heading "### Exercise 4.1" and keeps some
    # hidden checks as warnings (code that is not the chapter's): such a cell, before the exercises,
    # is not the student's code for the first exercise
    nb = editions.solved(_path(chapter))
    for number, cell in enumerate([c for c in nb.cells if c.cell_type == "markdown"
                                   and grade.EXERCISE_BLOCK.search(c.source)], start=1):
        cell.source = f"### {Context.exercise_title(f'9.{number}')}\n\nThe exercise's text."
    nb.cells.insert(1, nbformat.v4.new_code_cell('warnings.warn("a hidden check, kept as a warning")'))
    found = grade.locate(nb, chapter)
    assert [item.answer for item in found] == [e.answer for e in chapter.exercises]
    assert not any("hidden check" in code for item in found for code in item.cells)


@pytest.mark.parametrize("value, expected", [("3GB", 3 * 2**30), ("1.5g", int(1.5 * 2**30)),
                                             ("512MiB", 512 * 2**20), ("0", 0)])
def test_parse_memory(value, expected):
    assert grade.parse_memory(value) == expected


@pytest.mark.parametrize("call, message", [
    (lambda folder: grade.parse_memory("lots"), "memory must be a size such as 3GB"),
    (lambda folder: grade.grade_folder(folder / "missing"), "SUBMISSIONS must be a folder"),
    (lambda folder: grade.grade_folder(folder, timeout=0), "timeout must be a positive number"),
    (lambda folder: grade.grade_folder(folder, memory=-1), "memory must be a number of bytes"),
    (lambda folder: grade.grade_folder(folder, chapter="07_nope"), "chapter must be one of"),
    (lambda folder: grade.grade_folder(folder, jobs=0), "jobs must be a whole number of notebooks graded at once"),
])
def test_bad_arguments_are_named(tmp_path, call, message):
    with pytest.raises(ValueError, match=message):
        call(tmp_path)


# ---- nbgrader runs the same checks inside the kernel: there a wrong answer must raise ----------------

def test_under_nbgrader_a_wrong_answer_raises_and_a_right_one_does_not(monkeypatch):
    from nnbook.exercises import registered
    number = registered()[0]
    assert not check(number, lambda *args: None)                  # a student's run: feedback only
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")         # nbgrader scores a test cell by errors
    with pytest.raises(AssertionError, match=f"Exercise {number}"):
        check(number, lambda *args: None)


# ---- grading a folder: resuming after an interruption, nothing lost or doubled ------------------------

def _fake_grade_one(calls, interrupt_at=None):
    def fake(name, data, chapters, specs, timeout, memory, assigned=None):
        calls.append(name)
        if name == interrupt_at:
            raise KeyboardInterrupt
        return "01_fake", [grade.Row(name, "01_fake", key, key == "a", f"msg, with a comma {key}")
                           for key in ("a", "b")]
    return fake


def _rows(folder):
    with open(folder / "grades.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def test_an_interrupted_run_resumes_without_losing_or_doubling_rows(tmp_path, monkeypatch):
    for name in ("anna", "ben", "cleo"):
        (tmp_path / f"{name}.ipynb").write_text(name)
    calls = []
    monkeypatch.setattr(grade.submission, "grade_one", _fake_grade_one(calls, interrupt_at="ben.ipynb"))
    with pytest.raises(KeyboardInterrupt):
        grade.grade_folder(tmp_path, progress=False)
    assert [r["submission"] for r in _rows(tmp_path)] == ["anna.ipynb"] * 2    # a whole file, anna's rows
    calls.clear()
    monkeypatch.setattr(grade.submission, "grade_one", _fake_grade_one(calls))
    grade.grade_folder(tmp_path, progress=False)
    assert calls == ["ben.ipynb", "cleo.ipynb"]                                # anna is not graded again
    rows = _rows(tmp_path)
    assert [(r["submission"], r["exercise"]) for r in rows] == [
        (n, k) for n in ("anna.ipynb", "ben.ipynb", "cleo.ipynb") for k in ("a", "b")]
    assert rows[0]["message"] == "msg, with a comma a" and rows[0]["passed"] == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".grades-state.json", "anna.ipynb", "ben.ipynb", "cleo.ipynb", "feedback", "grades.csv"]   # no temp files
    # a changed submission is graded again, a removed one loses its rows
    calls.clear()
    (tmp_path / "ben.ipynb").write_text("ben, resubmitted")
    (tmp_path / "cleo.ipynb").unlink()
    grade.grade_folder(tmp_path, progress=False)
    assert calls == ["ben.ipynb"]
    assert {r["submission"] for r in _rows(tmp_path)} == {"anna.ipynb", "ben.ipynb"}
    calls.clear()
    grade.grade_folder(tmp_path, progress=False, regrade=True)
    assert calls == ["anna.ipynb", "ben.ipynb"]


def test_parallel_grading_gives_the_rows_of_one_at_a_time(tmp_path, monkeypatch):
    import random
    import time
    names = [f"student{i:02}.ipynb" for i in range(12)]
    for name in names:
        (tmp_path / name).write_text(name)

    def slow(name, *args, **kwargs):   # finishes in an order of its own
        time.sleep(random.uniform(0, 0.05))
        return "01_fake", [grade.Row(name, "01_fake", key, hash(name + key) % 2 == 0, f"{name} {key}")
                           for key in ("a", "b")]
    monkeypatch.setattr(grade.submission, "grade_one", slow)
    one = grade.grade_folder(tmp_path, progress=False, jobs=1, regrade=True)
    csv_one = (tmp_path / "grades.csv").read_text()
    four = grade.grade_folder(tmp_path, progress=False, jobs=4, regrade=True)
    assert four == one and (tmp_path / "grades.csv").read_text() == csv_one
    assert [r.submission for r in four] == [n for n in names for _ in "ab"]


# ---- grading real notebooks: good and bad submissions --------------------------------------------------

KEEP = object()


def _with(chapter, broken, code=None, check_cell=KEEP):
    """The reference solutions, with exercise `broken`'s answer cell replaced by `code`, or its
    check cell's source by `check_cell` (None: the cell deleted)."""
    nb = editions.solved(_path(chapter))
    if code is not None:
        editions.answer_cell(nb, broken).source = code
    if check_cell is not KEEP:
        at = nb.cells.index(editions.check_cell(nb, broken))
        if check_cell is None:
            del nb.cells[at]
        else:
            nb.cells[at].source = check_cell
    return nb


def bad_cases(chapter, where):
    """{file name: (notebook or bytes, the first exercise's expected message)}"""
    first = chapter.exercises[0]
    key, f = first.key, first.answer
    forged_reply = (
        "import json, sys\nfrom IPython.display import publish_display_data\n"
        "helper = sys.modules['__nnbook_grader__']\n"
        f"def fake_call(key, arguments):\n"
        f"    publish_display_data({{helper.MIME: json.dumps({{'returned': {{'ndarray': {_pickled_object_array()!r}}}}})}})\n"
        f"helper.call = fake_call\ndef {f}(*args, **kwargs):\n    return None")
    return {
        "syntax.ipynb": (_with(chapter, key, f"def {f}(*args):\n    return (1 +\n"),
                         "raised SyntaxError"),
        "exception.ipynb": (_with(chapter, key, f"def {f}(*args):\n    return 0\nraise ValueError('my cell broke')",
                                  ), "raised ValueError: my cell broke"),
        "loop.ipynb": (_with(chapter, key, f"def {f}(*args, **kwargs):\n    while True:\n        pass",
                             ), "time limit"),
        "stubborn_loop.ipynb": (_with(chapter, key, "import time\nwhile True:\n    try:\n        time.sleep(0.05)\n"
                                      "    except BaseException:\n        pass"), "time limit"),
        "memory.ipynb": (_with(chapter, key, "import numpy as np\nhog = []\nwhile True:\n"
                               "    hog.append(np.ones(2**24))"), "MemoryError"),
        "children_memory.ipynb": (_with(chapter, key, (   # each child within its own limit, not all together
            "import subprocess, sys\nhog = 'import numpy as np, time; x = np.ones(180_000_000); time.sleep(60)'\n"
            "children = [subprocess.Popen([sys.executable, '-c', hog]) for _ in range(2)]\n"
            "for child in children:\n    child.wait()")), "more than the limit"),
        "exit.ipynb": (_with(chapter, key, "import os\nos._exit(1)"), "exited with code 1"),
        "forged_check.ipynb": (_with(chapter, key, (
            f"def {f}(*args, **kwargs):\n    return None\n"
            "import nnbook.exercises as exercises, nnbook.exercises._core as core\n"
            "forged = lambda number, answer: core.Feedback(str(number), True, 'correct. (forged)')\n"
            "exercises.check = core.check = forged\n"
            "core._CHECKS.update({k: (lambda answer: 'forged') for k in core._CHECKS})\n"
            "from nnbook.exercises import check")), "None"),
        "forged_reply.ipynb": (_with(chapter, key, forged_reply), "cannot read"),
        "deleted_check.ipynb": (_with(chapter, key, check_cell=None), "not answered"),
        "renamed_check.ipynb": (_with(chapter, key, check_cell='check("renamed", my_other_function)'),
                                "not answered"),
        "cwd.ipynb": (_with(chapter, key, (   # says where it ran in its message
            f"import os\nopen('left_behind.txt', 'w').write('x')\n"
            f"raise ValueError('cwd=' + os.getcwd())")), "ValueError: cwd="),
    }


def _replace_helper(function, body):
    """An answer cell that replaces the grader's helper function `function` in the student's kernel
    by one that publishes `body` (Python code for the payload) as the grader's reply."""
    return ("import json, sys\nfrom IPython.display import publish_display_data\n"
            "helper = sys.modules['__nnbook_grader__']\n"
            f"def forged(*args, **kwargs):\n    publish_display_data({{helper.MIME: {body}}})\n"
            f"helper.{function} = forged\n")


def attacks(chapter):
    """Submissions that attack the grader's own reading of the kernel's replies or of the cells:
    {file name: (notebook, expected message of every exercise, or of the first only)}. Each
    used to stop the whole run (TypeError, RecursionError, KeyError in the grader)."""
    first = chapter.exercises[0]
    key, f = first.key, first.answer
    cannot = "not in the grader's format"
    return {
        "attack_bind_not_a_string.ipynb": (_with(chapter, key, _replace_helper("bind", "{'bound': 'callable'}")),
                                           cannot, "all"),
        "attack_deep_json.ipynb": (_with(chapter, key, _replace_helper("bind", "'[' * 100_000 + ']' * 100_000")),
                                   cannot, "all"),
        "attack_no_returned.ipynb": (_with(chapter, key, _replace_helper("bind", "json.dumps({'bound': 'value'})")
                                           + _replace_helper("value", "json.dumps({'nothing': 1})")),
                                     cannot, "all"),
        "attack_value_not_a_string.ipynb": (_with(chapter, key, _replace_helper("bind", "json.dumps({'bound': 'value'})")
                                                  + _replace_helper("value", "[1, 2]")), cannot, "all"),
        # IPython itself cannot compile these (RecursionError): the kernel runs nothing of the cell
        "attack_deep_attribute.ipynb": (_with(chapter, key, "x" + ".a" * 100_000),
                                        f"{f} could not be evaluated: NameError", "first"),
        "attack_deep_check_cell.ipynb": (_with(chapter, key, check_cell=f'check("{key}", {f})\n'
                                               + "y" + ".a" * 100_000), "", "graded"),
    }


HONEST = ("solved.ipynb", "untouched.ipynb", "old_edition.ipynb")


def _honest(chapter):
    return {"solved.ipynb": editions.solved(_path(chapter)), "untouched.ipynb": editions.student(_path(chapter)),
            "old_edition.ipynb": _old_edition(editions.solved(_path(chapter)))}


SANDBOXED = grade.find_sandbox("auto").on
needs_sandbox = pytest.mark.skipif(not SANDBOXED and os.environ.get("CI") != "true",
                                   reason="bubblewrap is not installed here (CI installs it and runs these)")
DAEMON_TOKEN = "nnbook-test-daemon-7f3a"


def sandbox_cases(chapter, folder, port):
    """Submissions that try what a sandboxed kernel must not do: {name: (notebook, message)}. Each
    probes, raises if it got through, else defines the reference answer (so it passes when the
    sandbox held)."""
    first = chapter.exercises[0]
    reference = editions.reference_solutions(_path(chapter))[0]
    grades = folder / "grades.csv"
    daemon = (f"import time\nwhile True:  # {DAEMON_TOKEN}\n    time.sleep(0.2)\n"
              f"    for path in [{str(grades)!r}, {str(ROOT / 'daemon_was_here.txt')!r}]:\n"
              "        try:\n            open(path, 'a').write('forged,row\\n')\n"
              "        except OSError:\n            pass")
    probes = {
        "sandbox_network": (
            "import socket\ntry:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).close()\n"
            "except OSError:\n    pass\nelse:\n    raise RuntimeError('reached the grader machine')"),
        "sandbox_write": (
            "import os\nreached = []\n"
            f"for path in [{str(grades)!r}, {str(folder / 'new.txt')!r}, {str(ROOT / 'written_by_student.txt')!r},"
            f" {str(ROOT / 'nnbook' / '__init__.py')!r}]:\n"
            "    try:\n        open(path, 'a').close()\n        reached.append(path)\n"
            "    except OSError:\n        pass\n"
            f"seen = os.listdir({str(folder)!r}) if os.path.isdir({str(folder)!r}) else []\n"
            "if reached or seen:\n    raise RuntimeError(f'wrote {reached}, saw {seen}')"),
        "sandbox_daemon": (
            "import subprocess, sys\n"
            f"subprocess.Popen([sys.executable, '-c', {daemon!r}], env={{}}, start_new_session=True,\n"
            "                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)"),
    }
    return {f"{name}.ipynb": _with(chapter, first.key, f"{probe}\n\n{reference}") for name, probe in probes.items()}


def _by_submission(rows):
    by_name = {}
    for row in rows:
        by_name.setdefault(row.submission, []).append(row)
    return by_name


@pytest.fixture(scope="module")
def graded(tmp_path_factory, chapter, chapters):
    """One folder of submissions, graded once with short limits: (folder, rows by submission)."""
    folder = tmp_path_factory.mktemp("submissions")
    where = tmp_path_factory.mktemp("outside") / "cwd.txt"
    cases = bad_cases(chapter, where)
    for name, (nb, _) in cases.items():
        editions.write(nb, folder / name)
    for name, (nb, _, _) in attacks(chapter).items():
        editions.write(nb, folder / name)
    for name, nb in _honest(chapter).items():
        editions.write(nb, folder / name)
    other = next(c for c in chapters.values() if c is not chapter)
    editions.write(editions.student(_path(other)), folder / "other_chapter.ipynb")
    (folder / "notes.ipynb").write_text("these are my notes, not a notebook")
    (folder / "sub").mkdir()
    (folder / "sub" / "photo.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n")
    import socket
    listener = socket.create_server(("127.0.0.1", 0))      # what a kernel must not reach
    if SANDBOXED:   # unsandboxed, these would do what they try (the tests below are skipped then)
        for name, nb in sandbox_cases(chapter, folder, listener.getsockname()[1]).items():
            editions.write(nb, folder / name)
    with listener:
        # one at a time: the memory cases must reach the limit within the time limit on 2 cores
        rows = grade.grade_folder(folder, timeout=5, memory=2 * 2**30, chapter=chapter.name, progress=False,
                                  jobs=1)
    return folder, _by_submission(rows), cases, where


@needs_sandbox
@pytest.mark.slow
@pytest.mark.parametrize("case", ["sandbox_network", "sandbox_write", "sandbox_daemon"])
def test_the_sandbox_holds_no_network_no_writes_no_daemon(graded, chapter, case):
    folder, rows, _, _ = graded
    assert all(r.passed for r in rows[f"{case}.ipynb"]), rows[f"{case}.ipynb"]
    assert not (folder / "new.txt").exists() and not (ROOT / "written_by_student.txt").exists()
    assert not (ROOT / "daemon_was_here.txt").exists()


@needs_sandbox
@pytest.mark.slow
def test_nothing_a_submission_started_outlives_grading_or_changes_the_grades(graded):
    import time
    import psutil
    folder, rows, _, _ = graded
    written = (folder / "grades.csv").read_bytes()
    time.sleep(2)
    alive = [p.pid for p in psutil.process_iter(["cmdline"]) if DAEMON_TOKEN in " ".join(p.info["cmdline"] or [])]
    assert not alive, "a daemon a submission started survived grading"
    assert (folder / "grades.csv").read_bytes() == written
    assert written == grade.grades_csv([r for mine in rows.values() for r in mine]).encode()


def test_without_bubblewrap_the_grader_says_so_first_and_last(tmp_path):
    import subprocess
    (tmp_path / "essay.ipynb").write_text("not a notebook")
    env = {**os.environ, "PATH": str(tmp_path / "no-bin")}   # no bwrap to be found
    run = subprocess.run([sys.executable, "-m", "tools.grade", str(tmp_path)], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert lines[0].startswith("WARNING: NOT SANDBOXED: bubblewrap (bwrap) is not installed")
    assert lines[-1] == lines[0]
    refused = subprocess.run([sys.executable, "-m", "tools.grade", str(tmp_path), "--sandbox", "require"],
                             cwd=ROOT, env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "SANDBOX=require: bubblewrap (bwrap) is not installed" in refused.stderr


def test_a_sandbox_mode_is_one_of_three():
    with pytest.raises(ValueError, match="sandbox must be one of auto, require, off, got 'yes'"):
        grade.find_sandbox("yes")


@pytest.fixture(scope="module")
def graded_alone(tmp_path_factory, chapter):
    """The honest submissions alone in a folder, graded two at a time (JOBS=2)."""
    folder = tmp_path_factory.mktemp("alone")
    for name, nb in _honest(chapter).items():
        editions.write(nb, folder / name)
    return _by_submission(grade.grade_folder(folder, timeout=5, memory=2 * 2**30, chapter=chapter.name,
                                             progress=False, jobs=2))


@pytest.mark.slow
@pytest.mark.parametrize("case", [
    "attack_bind_not_a_string", "attack_deep_json", "attack_no_returned", "attack_value_not_a_string",
    "attack_deep_attribute", "attack_deep_check_cell"])
def test_an_attack_on_the_grader_gets_rows_of_its_own(graded, chapter, case):
    _, rows, _, _ = graded
    _, message, which = attacks(chapter)[f"{case}.ipynb"]
    mine = rows[f"{case}.ipynb"]
    assert [r.exercise for r in mine] == [e.key for e in chapter.exercises]
    first, *others = mine
    if which == "graded":   # the answer is the reference solution: graded as usual
        assert all(r.passed for r in mine), mine
        return
    assert not first.passed and message in first.message, first.message
    if which == "all":
        assert not any(r.passed for r in others) and all(message in r.message for r in others), others
    else:
        assert all(r.passed for r in others), others


@pytest.mark.slow
def test_honest_submissions_are_graded_alongside_attacks_exactly_as_alone_and_in_parallel(graded, graded_alone):
    # alongside the attacks, one at a time (JOBS=1); alone, two at a time (JOBS=2): the same rows
    _, rows, _, _ = graded
    for name in HONEST:
        assert [(r.exercise, r.passed, r.message) for r in rows[name]] == \
               [(r.exercise, r.passed, r.message) for r in graded_alone[name]], name


def test_whatever_the_grader_fails_at_becomes_the_notebooks_rows(monkeypatch, chapters, chapter):
    # an error in the grader's own reading of one notebook (here a RecursionError) fails that
    # notebook's exercises with the reason; nothing escapes to stop the run
    def deep(*args):
        raise RecursionError("maximum recursion depth exceeded")
    monkeypatch.setattr(grade.submission, "locate", deep)
    data = nbformat.writes(editions.solved(_path(chapter))).encode()
    name, rows = grade.grade_one("deep.ipynb", data, chapters, None, 5, 0)
    assert name == chapter.name and [r.exercise for r in rows] == [e.key for e in chapter.exercises]
    assert all(not r.passed and "could not grade this notebook (RecursionError: maximum recursion" in r.message
               for r in rows)


@pytest.mark.parametrize("payload", [None, 3, {"returned": 1}, "[" * 100_000 + "]" * 100_000, "{}",
                                     '{"returned": 1, "bound": "value"}', '{"bound": "maybe"}',
                                     '{"returned": {"exec": "1"}}', "not json", "x" * (grade_wire.MAX_BYTES + 1)],
                         ids=["none", "int", "dict", "deep", "empty", "two-kinds", "bad-bound", "bad-value",
                              "not-json", "too-large"])
def test_every_malformed_reply_is_an_unreadable_answer(payload):
    with pytest.raises(grade.UnreadableAnswer):
        grade.read_reply(grade.Outcome("ok", payload=payload))


def test_a_reply_in_the_format_is_read():
    assert grade.read_reply(grade.Outcome("ok", payload='{"bound": "callable"}')).bound == "callable"
    reply = grade.read_reply(grade.Outcome("ok", payload=json.dumps({"returned": grade_wire.pack((1, [2.0]))})))
    assert reply.has_returned and reply.returned == (1, [2.0])
    assert grade.read_reply(grade.Outcome("ok", payload='{"raised": "ValueError", "message": "m"}')).raised == \
        ("ValueError", "m")


@pytest.mark.slow
def test_untouched_edition_passes_nothing_and_the_solutions_pass_everything(graded, chapter):
    _, rows, _, _ = graded
    keys = [e.key for e in chapter.exercises]
    assert [r.exercise for r in rows["untouched.ipynb"]] == keys
    assert not any(r.passed for r in rows["untouched.ipynb"])
    assert all("not answered yet" in r.message for r in rows["untouched.ipynb"])
    assert all(r.passed for r in rows["solved.ipynb"]), rows["solved.ipynb"]
    assert all(r.passed for r in rows["old_edition.ipynb"]), rows["old_edition.ipynb"]
    assert "does not say which chapter" in rows["old_edition.ipynb"][0].message


@pytest.mark.slow
@pytest.mark.parametrize("case", ["syntax", "exception", "loop", "stubborn_loop", "memory", "children_memory",
                                  "exit", "forged_check", "forged_reply", "deleted_check", "renamed_check", "cwd"])
def test_a_bad_exercise_fails_with_its_message_and_the_others_are_graded(graded, chapter, case):
    _, rows, cases, _ = graded
    mine = rows[f"{case}.ipynb"]
    assert [r.exercise for r in mine] == [e.key for e in chapter.exercises]
    first, *others = mine
    assert not first.passed and cases[f"{case}.ipynb"][1] in first.message, first.message
    assert "forged" not in first.message
    if case == "forged_reply":   # the student broke the grader's helper in their own kernel: all their answers
        assert not any(r.passed for r in others) and all("cannot read" in r.message for r in others)
    else:
        assert all(r.passed for r in others), others


@pytest.mark.slow
def test_files_that_are_not_the_assignment_get_one_row_saying_so(graded, chapter):
    _, rows, _, _ = graded
    for name, message in [("notes.ipynb", "not a Jupyter notebook"), ("sub/photo.ipynb", "not text"),
                          ("other_chapter.ipynb", f"not of the assigned {chapter.name}")]:
        (row,) = rows[name]
        assert not row.passed and message in row.message


@pytest.mark.slow
def test_a_submission_runs_in_a_temporary_directory_that_is_removed(graded):
    folder, rows, _, _ = graded
    cwd = Path(rows["cwd.ipynb"][0].message.split("cwd=")[1].split()[0])
    assert not cwd.exists(), "the kernel's directory is removed after grading"
    assert folder not in cwd.parents and ROOT not in cwd.parents and cwd != folder
    assert not list(folder.rglob("left_behind.txt")) and not (ROOT / "left_behind.txt").exists()


@pytest.mark.slow
def test_grades_csv_feedback_and_summary(graded, chapter):
    folder, rows, _, _ = graded
    with open(folder / "grades.csv", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == list(grade.COLUMNS)
    assert len(table) - 1 == sum(len(r) for r in rows.values())
    assert len({(r[0], r[2]) for r in table[1:]}) == len(table) - 1          # each row once
    feedback = (folder / "feedback" / "solved.txt").read_text()
    assert f"{len(chapter.exercises)} of {len(chapter.exercises)}" in feedback
    table = grade.summary([r for mine in rows.values() for r in mine])
    assert f"solved.ipynb" in table and f"{len(chapter.exercises)}/{len(chapter.exercises)}" in table


def test_make_grade_prints_its_usage_without_a_folder():
    import subprocess
    result = subprocess.run(["make", "-s", "-o", ".venv/.installed", "grade"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode != 0 and "usage: make grade SUBMISSIONS=folder" in result.stdout + result.stderr


def test_make_grade_passes_its_settings_on(tmp_path):
    import subprocess
    (tmp_path / "essay.ipynb").write_text("not a notebook")
    result = subprocess.run(["make", "-s", "-o", ".venv/.installed", "grade", f"SUBMISSIONS={tmp_path}",
                             "TIMEOUT=7", "MEMORY=1.5GB"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "essay.ipynb" in result.stdout and "1 row in" in result.stdout
    assert _rows(tmp_path)[0]["message"].startswith("not graded: not a Jupyter notebook")
    settings = json.loads((tmp_path / ".grades-state.json").read_text())["essay.ipynb"]["settings"]
    assert settings == {"timeout": 7.0, "memory": int(1.5 * 2**30), "chapter": None}
