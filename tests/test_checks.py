"""Tests of nnbook.checks: the one rule (wrong type -> TypeError, wrong value -> ValueError)."""

import numpy as np
import pytest

from collections.abc import Callable

from nnbook.checks import (check_array, check_choice, check_labels, check_number, check_positive_int,
                           check_probability, check_rows, check_seed, check_type)


@pytest.mark.parametrize("call, error, message", [
    (lambda: check_positive_int("n", 1.0), TypeError, "n must be a positive int, got float 1.0"),
    (lambda: check_positive_int("n", True), TypeError, "n must be a positive int, got bool"),
    (lambda: check_positive_int("n", None), TypeError, "n must be a positive int, got NoneType"),
    (lambda: check_positive_int("n", 0), ValueError, "n must be a positive int, got 0"),
    (lambda: check_positive_int("n", -3, allow_none=True), ValueError, "got -3"),
    (lambda: check_number("lr", "0.1"), TypeError, "lr must be a number, got str"),
    (lambda: check_number("lr", float("nan")), ValueError, "lr must be finite"),
    (lambda: check_number("lr", 0.0, low=0.0, low_open=True), ValueError, "lr must be > 0, got 0"),
    (lambda: check_number("lr", -1, low=0.0), ValueError, "lr must be >= 0, got -1"),
    (lambda: check_number("x", 2, high=1.0), ValueError, "x must be <= 1, got 2"),
    (lambda: check_probability("p", 1.5), ValueError, "p must be <= 1, got 1.5"),
    (lambda: check_probability("p", 1.0, allow_one=False), ValueError, "p must be < 1, got 1"),
    (lambda: check_probability("p", -0.1), ValueError, "p must be >= 0"),
    (lambda: check_choice("activation", "sigmod", ["relu", "sigmoid"]), ValueError,
     r"unknown activation 'sigmod'; choose one of \['relu', 'sigmoid'\]"),
    (lambda: check_choice("activation", 3, ["relu"]), TypeError, "activation must be one of"),
    (lambda: check_seed("seed", 1.0), TypeError, "seed must be an int, got float 1.0"),
    (lambda: check_seed("seed", -1), ValueError, r"seed must be in \[0, 2\*\*32\), got -1"),
    (lambda: check_seed("seed", 2**32), ValueError, r"seed must be in \[0, 2\*\*32\), got 4294967296"),
    (lambda: check_type("model", "mlp", int, "an int"), TypeError, "model must be an int, got str"),
    (lambda: check_type("f", None, Callable, "callable"), TypeError, "f must be callable, got NoneType"),
    (lambda: check_type("f", 3, Callable, "callable", allow_none=True), TypeError, "f must be callable or None"),
    (lambda: check_array("X", [[1.0]]), TypeError, "X must be a NumPy array, got list"),
    (lambda: check_array("X", np.array(["a"])), TypeError, "X must hold real numbers"),
    (lambda: check_array("X", np.zeros(3), ndim=4, layout="(n, C, H, W)"), ValueError,
     r"X must be 4-D \(n, C, H, W\), got shape \(3,\)"),
    (lambda: check_rows("X", np.zeros(3), 3), ValueError, r"X must be 2-D \(n_samples, n_features\), got shape \(3,\)"),
    (lambda: check_rows("X", np.zeros((4, 2)), 3, "n_in of the network"), ValueError,
     r"X must have 3 columns \(n_in of the network\), got shape \(4, 2\)"),
    (lambda: check_rows("X", np.zeros((0, 3)), 3), ValueError, r"X must have at least one row, got shape \(0, 3\)"),
    (lambda: check_labels("y", np.zeros((4, 3)), 4, 3), ValueError,
     r"y must have shape \(4,\) \(one integer label per row\), got shape \(4, 3\)"),
    (lambda: check_labels("y", np.array([0, 1.5, 2, 1]), 4, 3), ValueError,
     r"y must hold integer class labels, got values such as \[1.5\]"),
    (lambda: check_labels("y", np.array([0, -1, 3, 1]), 4, 3, "for loss='cross_entropy'"), ValueError,
     r"y labels must be in \[0, 3\) for loss='cross_entropy', got min -1, max 3"),
])
def test_bad_values_name_the_rule_and_the_value(call, error, message):
    # each rule raises its own error type, and the message says the rule and what was received
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize("call, expected", [
    (lambda: check_positive_int("n", np.int64(3)), 3),
    (lambda: check_positive_int("n", None, allow_none=True), None),
    (lambda: check_number("lr", np.float32(0.5), low=0.0, low_open=True), 0.5),
    (lambda: check_probability("p", 1), 1.0),
    (lambda: check_choice("loss", "mse", {"mse": None}), "mse"),
    (lambda: check_seed("seed", np.uint32(2**32 - 1)), 2**32 - 1),
    (lambda: check_type("f", None, Callable, "callable", allow_none=True), None),
    (lambda: check_type("f", len, Callable, "callable"), len),
    (lambda: check_labels("y", np.array([2.0, 0.0]), 2, 3).tolist(), [2, 0]),
])
def test_good_values_come_back_in_plain_types(call, expected):
    # accepted values are returned as plain Python numbers (NumPy scalars included)
    result = call()
    assert result == expected and type(result) is type(expected)
