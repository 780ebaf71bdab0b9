"""What every answer check shares: the registry, the feedback, comparing arrays, calling a
student's function safely."""
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


def exercise(number):
    """Register the decorated function as the check of exercise `number` ("chapter.index") or of the
    exercise with that label ("ex-pool-backward")."""
    def register(check_function):
        if number in _CHECKS:
            raise ValueError(f"exercise {number} has two checks")
        _CHECKS[number] = check_function
        return check_function
    return register


def registered():
    """The exercises that have a check: numbers ("1.2") in order, then labels ("ex-pool-backward")."""
    numbers = [key for key in _CHECKS if all(part.isdigit() for part in key.split("."))]
    labels = sorted(key for key in _CHECKS if key not in numbers)
    return sorted(numbers, key=lambda n: tuple(int(part) for part in n.split("."))) + labels


def check(number, answer):
    """Check `answer` for exercise `number` (e.g. "1.2"); returns (and shows) a `Feedback`."""
    number = str(number)
    if number not in _CHECKS:
        raise ValueError(f"exercise must be one of {registered()}, got {number!r}")
    try:
        message = _CHECKS[number](answer)
    except Wrong as wrong:
        return Feedback(number, False, str(wrong))
    return Feedback(number, True, "correct. " + (message or ""))


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
