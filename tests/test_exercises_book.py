"""Issue 9's rules for every chapter: exercises that check themselves, numbered per chapter, and a
concept question; plus the shared machinery (nnbook.exercises, nnbook.quiz, nnbook.interactive)."""
import re

import numpy as np
import pytest

from nnbook.exercises import check, registered
from nnbook.exercises._core import Wrong, call, compare
from nnbook.quiz import Question
from test_notebooks import CHAPTERS, load, source

EXERCISE = re.compile(r"^[:`]{3,}\{exercise\}", re.M)
CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](\d+)\.(\d+)["']""")


def chapter_number(path):
    return int(path.name[:2])


def checks_after_exercises(path):
    """[(exercise position k the call follows, chapter in the id, k in the id)] for each check call."""
    found, k = [], 0
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown":
            k += len(EXERCISE.findall(source(cell)))
        else:
            found += [(k, int(c), int(n)) for c, n in CHECK_CALL.findall(source(cell))]
    return found


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_at_least_two_self_checked_exercises_numbered_like_the_book(path):
    calls = checks_after_exercises(path)
    ids = {(c, n) for _, c, n in calls}
    assert len(ids) >= 2, f"{path.name}: {len(ids)} self-checked exercises, at least 2 wanted"
    for position, c, n in calls:
        # the book numbers the k-th {exercise} of chapter c as "Exercise c.k"
        assert (c, n) == (chapter_number(path), position), (
            f"{path.name}: check('{c}.{n}') follows exercise {chapter_number(path)}.{position}")
        assert f"{c}.{n}" in registered(), f"no check registered for exercise {c}.{n}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_at_least_one_concept_question_hidden_code(path):
    cells = [c for c in load(path)["cells"] if c["cell_type"] == "code" and "Question(" in source(c)]
    assert cells, f"{path.name} has no concept question (nnbook.quiz.Question)"
    for cell in cells:
        assert "remove-input" in cell["metadata"].get("tags", []), "the book shows the question, not its code"


def test_every_registered_check_is_used_by_a_chapter():
    used = {f"{c}.{n}" for path in CHAPTERS for _, c, n in checks_after_exercises(path)}
    assert set(registered()) <= used, f"checks no chapter calls: {set(registered()) - used}"


# ---- nnbook.exercises machinery ----------------------------------------------------------------

def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(ValueError, match="exercise must be one of"):
        check("99.9", lambda: None)


@pytest.mark.parametrize("answer, message", [
    (42, "expected a function, got int"),
    (lambda x: (_ for _ in ()).throw(NotImplementedError()), "not answered yet"),
    (lambda x: 1 / 0, "raised ZeroDivisionError"),
])
def test_call_reports_the_students_problem(answer, message):
    with pytest.raises(Wrong, match=message):
        call(answer, 1)


@pytest.mark.parametrize("got, message", [
    (None, "is None"),
    (np.zeros(3), "shape \\(3,\\), expected \\(3, 1\\)"),
    (np.array([[0.0], [1.0], [np.nan]]), "inf or nan"),
    (np.array([[0.0], [1.5], [2.0]]), "differs at index \\(1, 0\\): got 1.5, expected 1 \\(1 of 3"),
    ("text", "should be numbers"),
])
def test_compare_names_the_first_difference(got, message):
    with pytest.raises(Wrong, match=message):
        compare("y", got, np.array([[0.0], [1.0], [2.0]]))
    compare("y", np.array([[0.0], [1.0], [2.0]]), np.array([[0.0], [1.0], [2.0]]))   # no error


# ---- nnbook.quiz -------------------------------------------------------------------------------

def test_question_html_has_every_option_and_marks_only_the_answer():
    q = Question("Which is largest?", {"1": "too small", "3": "yes", "2": "no <b>"}, answer="3")
    page = q._repr_html_()
    assert page.count('class="nnbook-quiz-option"') == 3
    assert page.count('data-correct="1"') == 1
    assert 'data-correct="1" data-feedback="yes"><span class="nnbook-quiz-mark" aria-hidden="true"></span>3<' in page
    assert "no &lt;b&gt;" in page                # feedback is escaped, not injected
    assert "(a) 1" in repr(q)                     # plain-text front ends list the options


@pytest.mark.parametrize("args, error, message", [
    ((1, {"a": "", "b": ""}, "a"), TypeError, "question must be a string, got int"),
    (("q", ["a", "b"], "a"), TypeError, "options must be a dict"),
    (("q", {"a": ""}, "a"), ValueError, "at least 2 options, got 1"),
    (("q", {"a": "", "b": 3}, "a"), TypeError, "feedback of option 'b' must be a string"),
    (("q", {"a": "", "b": ""}, "c"), ValueError, "answer must be one of the options"),
])
def test_question_rejects_bad_input(args, error, message):
    with pytest.raises(error, match=message):
        Question(*args)


# ---- nnbook.interactive --------------------------------------------------------------------------

def test_figure_html_leaves_plotly_js_and_mathjax_to_the_page():
    go = pytest.importorskip("plotly.graph_objects")
    from nnbook.interactive import figure_html
    page = figure_html(go.Figure(go.Scatter(y=[1, 2, 3]), layout=dict(title="three points")))
    assert 'class="plotly-graph-div"' in page and "Plotly.newPlot" in page
    assert "cdn" not in page.lower() and "mathjax" not in page.lower()
    assert len(page) < 50_000          # no inlined plotly.js (4.8 MB)
    # an animation waits for its play button: a reader arriving at the page sees the first frame
    animated = go.Figure(go.Scatter(y=[1, 2]), frames=[go.Frame(data=[go.Scatter(y=[2, 1])])],
                         layout=dict(title="a line that turns"))
    assert "Plotly.animate" not in figure_html(animated)


def test_show_sends_plotly_json_and_html(monkeypatch):
    go = pytest.importorskip("plotly.graph_objects")
    import IPython.display
    from nnbook import interactive
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append((obj, raw)))
    interactive.show(go.Figure(go.Scatter(y=np.arange(3)), layout=dict(title="three points")))
    (bundle, raw), = shown
    assert raw and set(bundle) >= {interactive.PLOTLY_MIME, "text/html"}
    assert bundle[interactive.PLOTLY_MIME]["data"][0]["y"] is not None


@pytest.mark.parametrize("number", registered())
def test_every_check_calls_an_unanswered_stub_not_answered_yet(number):
    # the student edition's stubs raise NotImplementedError: every check says so, never a traceback
    def stub(*args, **kwargs):
        raise NotImplementedError("write your code here")
    feedback = check(number, stub)
    assert not feedback and "not answered yet" in feedback.message
