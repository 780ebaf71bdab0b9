"""The book's promise: every number in the text is computed when the book is built.

A chapter's markdown may not state a measured-looking number by hand. A percentage, a decimal
number (0.93) or a number with a thousands separator (5,421) in a markdown cell's prose must be
- glued in by the build (`{glue:text}`name:.2f`` with `nnbook.results.glue`), or
- a fact, listed in the notebook's metadata `nnbook.facts_in_text` (e.g. "0.25" = max σ′), or
- checked: the markdown cell is immediately followed by a hidden code cell (tag `remove-cell`)
  that asserts what the text says.
Math (`$...$`, `$$...$$`), code spans and code blocks are not read: formulas hold exact facts,
and code shows what the reader types. See "Numbers in the text" in the README.
"""
import re

import nbformat
import pytest

from test_notebooks import CHAPTERS  # the chapter notebooks listed in _toc.yml

NUMBER = re.compile(r"\d+(?:[.,]\d+)*\s?%|\d+\.\d+|\d{1,3}(?:,\d{3})+")
NOT_PROSE = [
    re.compile(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1\s*$", re.S | re.M),   # fenced code blocks
    re.compile(r"\$\$.*?\$\$", re.S),                                  # display math
    re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S),            # amsmath environments
    re.compile(r"\$[^$\n]+\$"),                                        # inline math
    re.compile(r"\{glue(?::\w+)?\}`[^`]*`"),                           # glued values
    re.compile(r"`[^`\n]*`"),                                          # code spans
    re.compile(r"\]\([^)]*\)|https?://\S+"),                           # link targets
    re.compile(r"^:(label|class|name|width|height|align)?:.*$", re.M),  # directive options
]


def prose(markdown):
    """The markdown with math, code and glued values removed."""
    for pattern in NOT_PROSE:
        markdown = pattern.sub(" ", markdown)
    return markdown


def unchecked_numbers(nb):
    """(cell index, number, context) for every number the rules above do not account for."""
    facts = set(nb.metadata.get("nnbook", {}).get("facts_in_text", []))
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        following = nb.cells[index + 1] if index + 1 < len(nb.cells) else None
        if (following is not None and following.cell_type == "code"
                and "remove-cell" in following.metadata.get("tags", [])
                and "assert" in following.source):
            continue
        text = prose(cell.source)
        for match in NUMBER.finditer(text):
            number = match.group().strip()
            if number in facts or number.rstrip("%").strip() in facts:
                continue
            context = " ".join(text[max(0, match.start() - 40): match.end() + 25].split())
            found.append((index, number, context))
    return found


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_number_in_the_text_is_glued_checked_or_a_listed_fact(path):
    found = unchecked_numbers(nbformat.read(path, as_version=4))
    assert not found, (
        f"{path.name}: numbers typed into the text, neither glued, nor a listed fact, nor "
        "followed by a hidden assert:\n" + "\n".join(f"  cell {i}: {n!r} in '... {c} ...'" for i, n, c in found))


def _nb(*cells, facts=()):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    nb.metadata["nnbook"] = {"facts_in_text": list(facts)}
    return nb


def _hidden_assert(source="assert accuracy > 0.9"):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["remove-cell"]
    return cell


@pytest.mark.parametrize("markdown, flagged", [
    ("The network reaches 97.3% on the test set.", ["97.3%"]),
    ("The loss falls to 0.31 after training.", ["0.31"]),
    ("There are 5,421 fives in the training set.", ["5,421"]),
    ("It reaches about 89 % of the time.", ["89 %"]),
    ("It reaches {glue:text}`acc:.1f`% on the test set.", []),
    ("The slope is $\\sigma'(0) = 0.25$ at zero.", []),
    ("Call `fit(lr=0.5)` to train.", []),
    ("```python\nx = 0.5\n```\nNo numbers in prose.", []),
    ("Images are 28×28 with 10 classes.", []),
])
def test_the_rule_flags_typed_measurements_only(markdown, flagged):
    found = unchecked_numbers(_nb(nbformat.v4.new_markdown_cell(markdown)))
    assert [number for _, number, _ in found] == flagged


def test_a_listed_fact_or_a_following_hidden_assert_accounts_for_a_number():
    cell = nbformat.v4.new_markdown_cell("The maximum slope is 0.25; the test accuracy is 97.3%.")
    assert [n for _, n, _ in unchecked_numbers(_nb(cell, facts=["0.25"]))] == ["97.3%"]
    assert unchecked_numbers(_nb(cell, _hidden_assert())) == []
    # a hidden cell without an assert does not count
    assert len(unchecked_numbers(_nb(cell, _hidden_assert("print(accuracy)")))) == 2
