"""What every answer check shares: the registry, the feedback, comparing arrays, calling a
student's function safely.

One way of diagnosing throughout: call the answer with `call`; check what came back (`as_tuple` for
several results); name the plausible mistakes first, each recognised with `close` and reported with
`Wrong("what is wrong: what to do")`; then `compare` the answer with the reference, which names the
first entry that differs."""
import numbers
import os
import re
from dataclasses import dataclass

import numpy as np

_CHECKS = {}


@dataclass
class Feedback:
    """The outcome of a check: `correct` and a message for the student."""
    exercise: str
    correct: bool
    message: str

    def __bool__(self):
        return self.correct

    def __repr__(self):
        mark = "✓" if self.correct else "✗"
        return f"{mark} Exercise {self.exercise}: {self.message}"


class Wrong(Exception):
    """Raised inside a check to report what is wrong with an answer."""


LABEL = re.compile(r"ex-[a-z0-9]+(?:-[a-z0-9]+)*")


def exercise(label):
    """Register the decorated function as the check of the exercise whose `:label:` is `label`
    ("ex-cross-entropy": unique in the book, and kept when a chapter is split or renumbered)."""
    if not isinstance(label, str) or not LABEL.fullmatch(label):
        raise ValueError(f"an exercise label looks like 'ex-cross-entropy', got {label!r}")

    def register(check_function):
        if label in _CHECKS:
            raise ValueError(f"exercise {label} has two checks")
        _CHECKS[label] = check_function
        return check_function
    return register


def registered():
    """The labels of the exercises that have a check, in the order of the chapters."""
    return list(_CHECKS)


def check(label, answer):
    """Check `answer` for the exercise labelled `label` (e.g. "ex-cross-entropy", the `:label:`
    written in the exercise); returns (and shows) a `Feedback`."""
    if label not in _CHECKS:
        raise ValueError(f"exercise must be one of the labels {registered()}, got {label!r}")
    try:
        message = _CHECKS[label](answer)
    except Wrong as wrong:
        feedback = Feedback(label, False, str(wrong))
        if os.environ.get("NBGRADER_EXECUTION"):
            # nbgrader's autograder (and its Validate button) scores a test cell by whether it
            # raises: there a wrong answer must be an error, not just a message
            raise AssertionError(repr(feedback)) from None
        return feedback
    return Feedback(label, True, "correct. " + (message or ""))


# ---- helpers the chapters' checks use -------------------------------------------------------

def call(function, *args, **kwargs):
    """Call the student's function; turn its exceptions into a message."""
    if not callable(function):
        raise Wrong(f"expected a function, got {type(function).__name__}")
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise Wrong("not answered yet: the function still raises NotImplementedError. "
                    "Replace that line with your code.") from None
    except Exception as error:  # a student's bug, reported rather than raised
        raise Wrong(f"your function raised {type(error).__name__}: {error}") from None


def compare(name, got, expected, rtol=1e-6, atol=1e-8, hint=""):
    """Raise `Wrong` naming the first difference between `got` and `expected` arrays."""
    expected = np.asarray(expected)
    if got is None:
        raise Wrong(f"{name} is None: did the function forget to return it?")
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"{name} should be numbers, got {type(got).__name__}") from None
    if got.shape != expected.shape:
        raise Wrong(f"{name} has shape {got.shape}, expected {expected.shape}." + (f" {hint}" if hint else ""))
    if not np.all(np.isfinite(got)):
        raise Wrong(f"{name} contains inf or nan." + (f" {hint}" if hint else ""))
    close = np.isclose(got, expected, rtol=rtol, atol=atol)
    if not close.all():
        where = tuple(int(i) for i in np.argwhere(~close)[0])
        raise Wrong(f"{name} differs at index {where}: got {got[where]:.6g}, "
                    f"expected {expected[where]:.6g} ({int((~close).sum())} of {close.size} entries differ)."
                    + (f" {hint}" if hint else ""))


def as_tuple(got, name, items):
    """The answer as a tuple of the results named `items`, or a `Wrong` saying what came back instead."""
    wanted = f"{name} must return a tuple ({', '.join(items)})"
    if not isinstance(got, (tuple, list)):
        raise Wrong(f"{wanted}, got {type(got).__name__}")
    if len(got) != len(items):
        raise Wrong(f"{wanted}, got {len(got)} results")
    return tuple(got)


def close(got, expected, rtol=1e-6, atol=1e-9):
    """True when `got` has the shape of `expected` and the same numbers (a test for a known wrong
    answer, to name the mistake; `compare` is the final verdict)."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == np.shape(expected) and np.allclose(got, expected, rtol=rtol, atol=atol)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def ask_for_a_count(answer, name, *args, **kwargs):
    """Call the student's function; it must return a whole number (a count: Chapters 7 and 8)."""
    got = call(answer, *args, **kwargs)
    if got is None:
        raise Wrong(f"{name} returned None: did the function forget to return it?")
    if hasattr(got, "item") and np.ndim(got) == 0 and not isinstance(got, (bool, np.bool_)):
        got = got.item()  # one number in a 0-d array or tensor (np.array(80), torch.tensor(22)) counts the same
    if isinstance(got, bool) or not isinstance(got, numbers.Real):
        raise Wrong(f"{name} returned {got!r}, a {type(got).__name__}: it should return one number.")
    if not isinstance(got, numbers.Integral) and not float(got).is_integer():
        raise Wrong(f"{name} returned {got!r}, a {type(got).__name__} that is not a whole number: it "
                    "counts, so it is a whole number (an int). Round down with // (floor division).")
    return int(got)  # a whole number written as a float (80.0, np.float64(22.0)) counts the same


def diagnose(answers, cases, expected, mistakes, general_hint, name):
    """Name the first case that is wrong, and the mistake that explains every answer, if any."""
    wrong = [i for i, (got, right) in enumerate(zip(answers, expected)) if got != right]
    if not wrong:
        return
    hint = next((say for formula, say in mistakes
                 if all(formula(*case) == got for case, got in zip(cases, answers))), general_hint)
    i = wrong[0]
    raise Wrong(f"{name(cases[i])} returned {answers[i]}, expected {expected[i]} "
                f"({len(wrong)} of {len(cases)} cases wrong). {hint}")
