"""tools/exercise_calls.py: the one reader of a cell's `check("<key>", answer)` calls (the student
edition and the grader both use it)."""
from tools.exercise_calls import CheckCall, check_calls


def test_calls_by_position_keyword_and_module_in_written_order():
    source = ('from nnbook import exercises\n'
              'exercises.check("ex-b", answer=second)\n'
              'check("ex-a", first)  ;  check(label="ex-c", answer=lambda x: x)\n')
    assert check_calls(source) == [CheckCall("ex-b", "second", (2, 2)), CheckCall("ex-a", "first", (3, 3)),
                                   CheckCall("ex-c", "lambda x: x", (3, 3))]


def test_a_call_inside_a_statement_names_the_statement_lines():
    source = "for f in (g,):\n    print(\n        check('ex-loop', f))\n"
    assert check_calls(source) == [CheckCall("ex-loop", "f", (1, 3))]


def test_magics_are_read_as_ipython_reads_them():
    assert check_calls("%matplotlib inline\ncheck('ex-m', answer)") == [CheckCall("ex-m", "answer", (2, 2))]


def test_a_broken_cell_still_names_its_plain_checks_without_lines():
    assert check_calls("def f(:\ncheck('ex-broken', f)") == [CheckCall("ex-broken", "f", None)]


def test_not_a_check_call():
    # a key that is not a string, no answer, another function named like check
    assert check_calls("check(key, f)\ncheck('ex-x')\nrecheck('ex-y', f)\nprint('check(\"ex-z\", f)')") == []
