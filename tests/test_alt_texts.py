"""Every figure of a chapter is described in words (tools/alt_texts.py): the chapters themselves,
and the rules on small notebooks, each shown to fail where it should."""

import nbformat
import pytest
from tools import alt_texts, book

ROOT = book.ROOT
CHAPTERS = [str(path.relative_to(ROOT).with_suffix("")) for path in book.chapters()]
ALT = "Two clouds of points, class 0 lower left and class 1 upper right, overlapping a little."


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_figure_of_the_chapter_is_described(chapter):
    # each figure cell has its alt text in its metadata or passes its figures to show_figure;
    # each interactive figure gets a description
    problems = alt_texts.chapter_problems(ROOT / f"{chapter}.ipynb")
    assert not problems, f"{chapter}:\n" + "\n".join(problems)


def notebook(*cells):
    """A notebook of code cells: a string, or (source, metadata) for a cell with metadata."""
    nb = nbformat.v4.new_notebook()
    for cell in cells:
        source, metadata = (cell, {}) if isinstance(cell, str) else cell
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata=metadata))
    return nb


def problems(*cells):
    return [problem for cell in alt_texts.figure_cells(notebook(*cells)) for problem in cell.problems]


def described(alt=ALT):
    return {"mystnb": {"image": {"alt": alt}}}


DRAW = "fig, ax = plt.subplots()\nax.plot([1, 2])\nplt.show()"


@pytest.mark.parametrize("cells, expected", [
    # rule 1: a figure without a description
    ([DRAW], "draws a figure without a description"),
    (["ax = plot_loss_curves([1, 0.5])"], "without a description"),
    (["success_rate.plot.bar(rot=0)"], "without a description"),
    (["def draw():\n    plt.subplots()", "draw()"], "without a description"),    # the notebook's own helper
    # the metadata's text must describe
    ([(DRAW, described("../_images/960ba79e.png"))], "names a file or a path"),
    ([(DRAW, described("a plot"))], "fewer than 8"),
    # rule 2: one metadata text for several figures
    ([("for k in range(3):\n    fig, ax = plt.subplots()", described())], "draws several figures"),
    ([("plt.subplots()\nplot_loss_curves([1, 2])", described())], "draws several figures"),
    # show_figure: one call per figure, no plt.show() beside it, an alt text
    (["fig, ax = plt.subplots()\nshow_figure(fig, alt=f'{n} points')\nplt.show()"], "calls plt.show()"),
    (["f1, _ = plt.subplots()\nf2, _ = plt.subplots()\nshow_figure(f1, alt=t)"], "one call per figure"),
    (["fig, ax = plt.subplots()\nshow_figure(fig)"], "without an alt text"),
    (["fig, ax = plt.subplots()\nshow_figure(fig, 'figure.png')"], "names a file"),
    # rule 3: interactive figures
    (["show(fig)"], "without description"),
    (["show(fig, description='fig')"], "fewer than 8"),
])
def test_each_rule_finds_what_it_should(cells, expected):
    found = problems(*cells)
    assert any(expected in problem for problem in found), found


@pytest.mark.parametrize("cells", [
    [(DRAW, described())],
    ["fig, axes = plt.subplots(1, 3)\nfor ax in axes:\n    plot_decision_boundary(f, X, y, ax=ax)\n"
     "    ax.plot([0, 1], [1, 0])\nshow_figure(fig, alt=f'Three panels, accuracy {acc:.0%} and more words here')"],
    ["for k in range(3):\n    fig, ax = plt.subplots()\n    show_figure(fig, alt=texts[k])"],
    ["show(fig, description='Loss curves of four learning rates, and the output over the square.')"],
    ["show(fig, description=text)"],
    [(DRAW, {"tags": ["remove-output"]})],                  # nothing is shown
    ["def draw(ax):\n    ax.plot([1, 2])"],                  # a definition draws nothing yet
    ["x = np.linspace(0, 1)\nplt.close('all')"],
])
def test_described_or_silent_cells_pass(cells):
    assert problems(*cells) == []


def test_the_report_lists_every_figure_cell_with_its_words(capsys):
    # `python -m tools.alt_texts chapter.ipynb` prints each figure cell, how it is described and
    # the length of a fixed description; it exits 1 when a chapter breaks a rule
    chapter = ROOT / f"{CHAPTERS[0]}.ipynb"
    assert alt_texts.main([str(chapter)]) == 0
    out = capsys.readouterr().out
    assert f"{chapter.name}: " in out and "described by" in out


def test_the_report_fails_on_a_chapter_with_an_undescribed_figure(tmp_path, capsys):
    path = tmp_path / "99_new.ipynb"
    nbformat.write(notebook(DRAW), path)
    assert alt_texts.main([str(path)]) == 1
    assert "draws a figure without a description" in capsys.readouterr().out
