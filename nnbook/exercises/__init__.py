"""Answer checks for the chapters' coding exercises.

A student writes a function (or computes a value) in the exercise's cell and calls

    from nnbook.exercises import check
    check("ex-neuron-forward", my_function)

with the exercise's `:label:` (unique in the book; the book numbers exercises by position, and the
numbers change when chapters are split or reordered, the labels do not). The check runs the answer
on inputs of its own and says "correct", or what is wrong: a shape, a value and where it differs,
an exception, a hint. It never prints the solution. Each chapter's checks live in their own module
(`ch01.py`, ...) and register themselves with `@exercise("ex-neuron-forward")`.
"""
from ._core import Feedback, check, exercise, registered
from . import ch01, ch02, ch03, ch04, ch05, ch06, ch07, ch08  # noqa: F401  (each registers its checks)

__all__ = ["Feedback", "check", "exercise", "registered"]
