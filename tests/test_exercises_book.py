"""Issue 9's rules for every chapter: exercises that check themselves, checked by their labels, and a
concept question; plus the shared machinery (nnbook.exercises, nnbook.quiz, nnbook.interactive)."""
import re

import numpy as np
import pytest

from nnbook.exercises import check, registered
from nnbook.exercises._core import Wrong, call, compare
from nnbook.quiz import Question
from test_notebooks import CHAPTERS, load, source

EXERCISE = re.compile(r"^[:`]{3,}\{exercise\}[^\n]*\n:label: (\S+)", re.M)
CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")


def checks_after_exercises(path):
    """[(label of the exercise the call follows, label the call names)] for each check call in code."""
    found, current = [], None
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown":
            current = ([current] + EXERCISE.findall(source(cell)))[-1]
        else:
            found += [(current, label) for label in CHECK_CALL.findall(source(cell))]
    return found


def test_exercise_labels_are_unique_in_the_book_and_name_no_chapter():
    # a label survives the chapter splits: "ex-cross-entropy", not "ch05-ex-cross-entropy", used once
    labels = [label for path in CHAPTERS for cell in load(path)["cells"] if cell["cell_type"] == "markdown"
              for label in EXERCISE.findall(source(cell))]
    assert len(labels) == len(set(labels)), sorted(label for label in labels if labels.count(label) > 1)
    assert all(re.fullmatch(r"ex-[a-z0-9]+(-[a-z0-9]+)*", label) for label in labels), labels


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_at_least_two_self_checked_exercises_each_checked_by_its_label(path):
    calls = checks_after_exercises(path)
    assert len({label for _, label in calls}) >= 2, f"{path.name}: fewer than 2 self-checked exercises"
    for exercise_label, label in calls:
        # the call below an exercise names that exercise's :label:
        assert label == exercise_label, f"{path.name}: check({label!r}) follows exercise {exercise_label}"
        assert label in registered(), f"no check registered for exercise {label}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_at_least_one_concept_question_hidden_code(path):
    cells = [c for c in load(path)["cells"] if c["cell_type"] == "code" and "Question(" in source(c)]
    assert cells, f"{path.name} has no concept question (nnbook.quiz.Question)"
    for cell in cells:
        assert "remove-input" in cell["metadata"].get("tags", []), "the book shows the question, not its code"


def test_every_registered_check_is_used_by_a_chapter():
    used = {label for path in CHAPTERS for _, label in checks_after_exercises(path)}
    assert set(registered()) <= used, f"checks no chapter calls: {set(registered()) - used}"


# ---- nnbook.exercises machinery ----------------------------------------------------------------

def test_unknown_exercise_is_a_clear_error():
    with pytest.raises(ValueError, match=r"exercise must be one of the labels \['ex-neuron-forward', .*got '5.5'"):
        check("5.5", lambda: None)


def test_feedback_names_the_exercise_by_its_label():
    feedback = check("ex-neuron-forward", lambda X, w, b: 1 / (1 + np.exp(-(X @ w + b))))
    assert repr(feedback).startswith("✓ Exercise ex-neuron-forward: correct.")


def test_checks_register_under_exercise_labels_only():
    from nnbook.exercises import exercise
    with pytest.raises(ValueError, match="an exercise label looks like 'ex-cross-entropy', got '5.5'"):
        exercise("5.5")


def test_importing_the_checks_does_not_load_torch():
    # Chapter 1 imports nnbook.exercises: PyTorch (seconds to import) waits for the check that needs it
    import subprocess
    import sys
    code = "import sys, nnbook.exercises; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


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


@pytest.mark.parametrize("label", registered())
def test_every_check_calls_an_unanswered_stub_not_answered_yet(label):
    # the student edition's stubs raise NotImplementedError: every check says so, never a traceback
    def stub(*args, **kwargs):
        raise NotImplementedError("write your code here")
    feedback = check(label, stub)
    assert not feedback and "not answered yet" in feedback.message
