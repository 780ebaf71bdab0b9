"""Every verdict in the text comes from a computed test (nnbook.compare) and is glued in.

Rule: in the chapters listed below, a markdown cell's prose (math, code spans and code blocks, link
targets and glued values removed, as in tests/test_numbers_in_text.py) may not contain a verdict word:
"measurable"/"measurably", "within noise"/"within the noise", "beat"/"beats", "outperform(s)",
"significant(ly)", "buys nothing". Such a word must reach the page through a `{glue:text}` role whose
value the notebook computed (e.g. `compare_paired(...).verdict`, or a sentence chosen by it). To name
the verdict words themselves, as a definition does, write them as code: `measurable gain`.
"""
import re
from pathlib import Path

import nbformat
import pytest

from test_numbers_in_text import prose

ROOT = Path(__file__).resolve().parents[1]
VERDICT = re.compile(r"\b(measurabl[ey]|within (?:the )?noise|beats?|outperforms?|significant(?:ly)?"
                     r"|buys nothing)\b", re.I)
GLUED_VERDICT_CHAPTERS = [
    "06_training_practice.ipynb",
    "08_cnn.ipynb",
]


def unglued_verdicts(nb):
    """(cell index, word, context) for every verdict word in a markdown cell's prose."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        text = prose(cell.source)
        for match in VERDICT.finditer(text):
            context = " ".join(text[max(0, match.start() - 50): match.end() + 30].split())
            found.append((index, match.group(), context))
    return found


@pytest.mark.parametrize("name", GLUED_VERDICT_CHAPTERS)
def test_verdict_words_are_glued(name):
    # a verdict word in a chapter's prose is glued from a computed comparison, never typed
    found = unglued_verdicts(nbformat.read(ROOT / "chapters" / name, as_version=4))
    assert not found, "verdict words typed in the prose (glue them from nnbook.compare):\n" + "\n".join(
        f"  cell {i}: {word!r} in ...{context}..." for i, word, context in found)


@pytest.mark.parametrize("markdown, bad", [
    ("Momentum beats SGD.", True),
    ("a difference that is within the noise", True),
    ("the gain is measurable here", True),
    ("momentum changes it by {glue:text}`delta:+.2f` ({glue:text}`verdict`)", False),
    ("the verdict `measurable gain` means the whole interval lies above 0", False),
    ("until the validation accuracy has not been beaten for three epochs", False),
])
def test_rule_reads_prose_only(markdown, bad):
    # the rule finds typed verdicts and leaves glued values, code spans and other words alone
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(markdown)])
    assert bool(unglued_verdicts(nb)) == bad
