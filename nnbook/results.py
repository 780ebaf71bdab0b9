"""Headline numbers: shown at the end of a chapter beside the reference figures, and saved.

Introduced in Chapter 1; every chapter ends with one ``report(...)`` call. When
``$NNBOOK_RESULTS_DIR`` is set (every build sets it: ``make book``, ``make book-all``, ``make bench``,
``make test``) the same call writes ``<that folder>/<chapter>.json``; ``make bench`` collects these, and
a later chapter reads an earlier one's numbers with ``recorded_results``. A reader's run writes nothing.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import time
from numbers import Integral, Real
from pathlib import Path

from nnbook.checks import check_number, check_type
from nnbook.files import folder_from_env, write_atomically

ROW_KEYS = ("name", "value", "unit", "reference", "target", "note")
CHAPTER_NAME, CHAPTER_RULE = r"[A-Za-z0-9_\-]+", "a file name of letters, digits, '_' or '-'"


# A target is a comparison and a number, then any words: "≥ 98.5%", "< 1e-6", "≤ 150 s (make bench)".
# `make bench` checks every target and fails the chapter that misses one.
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?"
TARGET = re.compile(rf"\s*(<=|>=|<|>|≤|≥|=|≈)\s*({_NUMBER})(?:\s*%)?(?:\s*(?:±|\+-)\s*({_NUMBER}))?")
TARGET_RULE = ("a comparison and a number, e.g. '≥ 98.5%', '< 1e-6', '= 4' or '≈ -0.5 ± 0.1' "
               "(other words go in 'note')")


def parse_target(target: str) -> tuple[str, float, float | None]:
    """The comparison, the number and the tolerance (or None) a target starts with:
    ``"≥ 98.5%"`` gives ``("≥", 98.5, None)``, ``"≈ -0.5 ± 0.1"`` gives ``("≈", -0.5, 0.1)``."""
    match = TARGET.match(target)
    if match is None:
        raise ValueError(f"target must be {TARGET_RULE}, got {target!r}")
    tolerance = float(match.group(3)) if match.group(3) else None
    return match.group(1), float(match.group(2)), tolerance


def target_met(value: float, target: str) -> bool:
    """True when ``value`` meets ``target``. ``= x ± t`` and ``≈ x ± t`` mean within t of x;
    without a tolerance, ``≈`` means within 2% of x and ``=`` equal up to rounding."""
    op, number, tolerance = parse_target(target)
    if tolerance is not None and op in ("=", "≈"):
        return abs(value - number) <= tolerance
    return {"<": value < number, "<=": value <= number, "≤": value <= number,
            ">": value > number, ">=": value >= number, "≥": value >= number,
            "=": math.isclose(value, number, rel_tol=1e-9, abs_tol=1e-12),
            "≈": math.isclose(value, number, rel_tol=0.02)}[op]


def results_dir() -> Path:
    """The folder that ``report`` writes to: ``$NNBOOK_RESULTS_DIR`` or ``~/.cache/nnbook/results``."""
    return folder_from_env("NNBOOK_RESULTS_DIR", "results")


def _check_name(what: str, name, pattern: str, rule: str) -> str:
    check_type(what, name, str, "a str")
    if not re.fullmatch(pattern, name):
        raise ValueError(f"{what} must be {rule}, got {name!r}")
    return name


def _plain_number(value):
    """A NumPy or Python number as a plain int or float (what JSON writes)."""
    return int(value) if isinstance(value, Integral) else float(value)


def _check_row(i: int, row) -> dict:
    check_type(f"rows[{i}]", row, dict, f"a dict with keys {ROW_KEYS}")
    unknown = set(row) - set(ROW_KEYS)
    if unknown:
        raise ValueError(f"rows[{i}] has unknown keys {sorted(unknown)}; allowed keys are {ROW_KEYS}")
    name = check_type(f"rows[{i}]['name']", row.get("name"), str, "a str")
    if not name:
        raise ValueError(f"rows[{i}]['name'] must not be empty")
    check_number(f"rows[{i}] ('{name}'): value", row.get("value"))
    reference = check_type(f"rows[{i}] ('{name}'): reference", row.get("reference"), (Real, str),
                           "a number or a str", allow_none=True)
    target = check_type(f"rows[{i}] ('{name}'): target", row.get("target"), str, "a str", allow_none=True)
    if target is not None:
        try:
            parse_target(target)
        except ValueError as error:
            raise ValueError(f"rows[{i}] ('{name}'): {error}") from None
    clean = {key: row.get(key) for key in ROW_KEYS}
    clean["value"] = _plain_number(row["value"])
    clean["unit"] = row.get("unit") or ""
    if isinstance(reference, Real):
        clean["reference"] = _plain_number(reference)
    return clean


def _format_value(value, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        text = f"{value:,}"
    elif value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e6):
        text = f"{value:.2e}"
    else:
        text = f"{value:.4g}" if abs(value) < 10 else f"{value:.2f}"
    return f"{text}{unit}" if unit in ("%", "×", "x") else f"{text} {unit}".strip()


class ResultsTable:
    """What ``report`` returns: shows as a table in Jupyter and in the built book."""

    def __init__(self, chapter: str, rows: list[dict], path: Path | None):
        self.chapter, self.rows, self.path = chapter, rows, path

    def _cells(self):
        for row in self.rows:
            yield (row["name"], _format_value(row["value"], row["unit"]),
                   _format_value(row["reference"], row["unit"]), row["target"] or "—", row["note"] or "")

    def __repr__(self) -> str:
        header = ("result", "this book", "reference", "target", "note")
        lines = [header, *self._cells()]
        widths = [max(len(str(line[k])) for line in lines) for k in range(len(header))]
        text = ["  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines]
        return "\n".join([f"Results of {self.chapter}", *text])

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in ("result", "this book", "reference", "target", "note"))
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>" for cells in self._cells()
        )
        return f'<table class="nnbook-results"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def report(chapter: str, rows: list[dict], save: bool | None = None) -> ResultsTable:
    """Show a chapter's headline numbers beside their references and save them as JSON.

    chapter: the notebook's name, e.g. ``"01_neuron"`` (letters, digits, ``_`` and ``-``).
    rows: one dict per number with keys ``name`` and ``value`` (a finite real number) and,
        optionally, ``unit`` (e.g. ``"%"``, ``"s"``), ``reference`` (the published figure, a
        number in the same unit or a string), ``target`` (what the book must reach: a comparison
        and a number, e.g. ``"≥ 98.3%"``; ``make bench`` fails the chapter that misses it) and ``note`` (where the reference comes from).
    save: write ``<results_dir()>/<chapter>.json``; by default only when ``$NNBOOK_RESULTS_DIR``
        is set, so that running a chapter in Jupyter writes nothing into the reader's home folder.
    """
    _check_name("chapter", chapter, CHAPTER_NAME, CHAPTER_RULE)
    check_type("rows", rows, (list, tuple), "a list of dicts")
    if not rows:
        raise ValueError("rows must be a non-empty list of dicts, got an empty one")
    clean = [_check_row(i, row) for i, row in enumerate(rows)]
    names = [row["name"] for row in clean]
    if len(set(names)) != len(names):
        raise ValueError(f"result names must be unique within a chapter, got {names}")
    path = None
    if save is None:
        save = bool(os.environ.get("NNBOOK_RESULTS_DIR"))
    if save:
        folder = results_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{chapter}.json"
        payload = {"chapter": chapter, "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "results": clean}
        write_atomically(path, json.dumps(payload, indent=2))  # a reader never sees half a file
    return ResultsTable(chapter, clean, path)


def recorded_results(chapter: str, names: list[str] | None = None) -> dict[str, dict] | None:
    """The rows an earlier run of ``chapter`` saved with ``report``, by name; None if it has not run.

    Looks in ``results_dir()``. Lets a chapter show an earlier chapter's measured numbers without
    training its models again; the reading chapter lists ``chapter`` in its notebook metadata
    (``nnbook.reads_results``), so that the book build runs it again when ``chapter`` runs again.
    names: the rows the caller needs. A missing one raises ``LookupError``, and so does a chapter that
    has not run while ``$NNBOOK_RESULTS_DIR`` is set: a build (``make book``, ``make bench``,
    ``make test``) runs the chapters in order, so there the rows must be found. In a reader's own run
    (Jupyter, Colab) an earlier chapter that has not run gives None.
    """
    _check_name("chapter", chapter, CHAPTER_NAME, CHAPTER_RULE)
    check_type("names", names, (list, tuple), "a list of row names", allow_none=True)
    path = results_dir() / f"{chapter}.json"
    if not path.is_file():
        if os.environ.get("NNBOOK_RESULTS_DIR"):
            raise LookupError(f"{chapter} has recorded no results in {path.parent} "
                              f"(NNBOOK_RESULTS_DIR): run it before the chapters that read it")
        return None
    rows = {row["name"]: row for row in json.loads(path.read_text())["results"]}
    missing = [name for name in names or [] if name not in rows]
    if missing:
        raise LookupError(f"{chapter}'s recorded results ({path}) have no rows named {missing}; "
                          f"it has {sorted(rows)}")
    return rows


def glue(name: str, value) -> None:
    """Hand a computed number to the book's text, where ``{glue:text}`name:.2f``` shows it.

    In the book build myst-nb replaces each such role with ``value`` as computed in this run,
    so the text never goes stale. Where myst-nb is not installed (Colab, a plain Jupyter)
    there is no text to fill in and this does nothing: print the number in the cell instead.
    """
    _check_name("name", name, r"[A-Za-z0-9_]+", "letters, digits and '_' (myst-nb refers to it in the text)")
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()  # a NumPy or torch scalar: a plain number, which myst-nb can format
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        return
    myst_glue(name, value, display=False)
