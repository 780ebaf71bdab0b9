"""The HTML of concept questions and interactive figures works for keyboard and screen-reader users:
names, roles, live regions, controls. (The browser check uses them in Chromium: test_browser_check.py.)"""

import re

import pytest

from nnbook.quiz import Question

go = pytest.importorskip("plotly.graph_objects")
from nnbook.interactive import figure_html  # noqa: E402

DESCRIPTION = "Three curves, x to the power one, two and three, over the unit interval."


def test_question_is_a_group_named_by_its_question_with_buttons_and_a_live_feedback():
    # screen readers hear the question with the options, each option a button, the feedback read out
    q = Question("Which is largest?", {"1": "too small", "3": "yes"}, answer="3")
    page = q._repr_html_()
    assert f'role="group" aria-labelledby="{q.id}-q"' in page and f'id="{q.id}-q">Which is largest?<' in page
    assert page.count('<button class="nnbook-quiz-option" type="button" aria-pressed="false"') == 2
    assert 'role="status" aria-live="polite"' in page


def test_question_marks_answers_by_sign_and_words_and_shows_the_focus():
    # a tick or a cross beside the chosen option, "Correct." or "Not quite." in the feedback, and a
    # focus ring: not colour alone
    page = Question("q?", {"a": "", "b": ""}, answer="a")._repr_html_()
    assert "\\u2713" in page and "\\u2717" in page
    assert '"Correct. "' in page and '"Not quite. "' in page
    assert re.search(r"button\.nnbook-quiz-option:focus-visible \{ outline: 3px solid", page)


def powers(**layout):
    fig = go.Figure([go.Scatter(y=[0, 1, p], visible=(p == 1)) for p in (1, 2, 3)])
    fig.update_layout(title="powers", sliders=[{"currentvalue": {"prefix": "power: "}, "active": 0, "steps": [
        {"method": "update", "label": str(p), "args": [{"visible": [q == p for q in (1, 2, 3)]}]} for p in (1, 2, 3)]}],
        updatemenus=[{"type": "buttons", "name": "curve", "buttons": [
            {"label": "one", "method": "restyle", "args": [{"visible": [True, False, False]}]},
            {"label": "two", "method": "restyle", "args": [{"visible": [False, True, False]}]}]}])
    for key, value in layout.items():   # replace, not merge, the given properties
        fig.layout[key] = value
    return fig


def test_figure_is_named_by_its_title_and_described():
    # a <figure> labelled by the title, described by the description (both in the page's text)
    page = figure_html(powers(), DESCRIPTION)
    fig_id = re.search(r'id="(nnbook-figure-\d+)"', page).group(1)
    assert (f'<figure class="nnbook-interactive" id="{fig_id}-box" aria-labelledby="{fig_id}-title" '
            f'aria-describedby="{fig_id}-description">') in page
    assert f'id="{fig_id}-title">powers</p>' in page and f'id="{fig_id}-description">{DESCRIPTION}</p>' in page
    assert f'id="{fig_id}-status" role="status" aria-live="polite"' in page   # a moved slider's new title is read out


def test_sliders_and_buttons_become_html_controls_with_names():
    # a range input labelled by the slider's prefix, saying its step's label; buttons in a named
    # group saying which is on; plotly's own SVG controls hidden in the book's copy only
    fig = powers()
    page = figure_html(fig, DESCRIPTION)
    assert re.search(r'<label for="([\w-]+)">power</label><input type="range" id="\1" data-slider="0" '
                     r'min="0" max="2" step="1" value="0" aria-valuetext="1">', page)
    assert '<div role="group" aria-label="curve"><button type="button" data-menu="0" data-button="0" aria-pressed="true">one</button>' in page
    assert '"sliders":[{"active":0,"currentvalue":{"prefix":"power: "}' in page and '"visible":false' in page
    assert fig.layout.sliders[0].visible is None   # the chapter's figure is unchanged (Jupyter draws it)


def test_play_buttons_are_plain_buttons_and_drop_downs_are_selects():
    # animation buttons press no state; a drop-down menu is a <select> with its options
    fig = powers(updatemenus=[
        {"type": "buttons", "buttons": [{"label": "play", "method": "animate", "args": [None]},
                                        {"label": "pause", "method": "animate", "args": [[None]]}]},
        {"name": "curve", "buttons": [{"label": "one", "method": "restyle", "args": [{}]},
                                      {"label": "two", "method": "restyle", "args": [{}]}]}])
    page = figure_html(fig, DESCRIPTION)
    assert '<button type="button" data-menu="0" data-button="0">play</button>' in page
    assert '<select data-menu="1" aria-label="curve"><option value="0" selected>one</option>' in page


@pytest.mark.parametrize("fig, description, error, match", [
    (powers(title=None), DESCRIPTION, ValueError, "needs a title"),
    (powers(sliders=[{"steps": [{"label": "a", "method": "skip"}, {"label": "b", "method": "skip"}]}]),
     DESCRIPTION, ValueError, "slider 1 of an interactive figure needs a name"),
    (powers(sliders=[{"name": "k", "steps": [{"label": "a", "method": "skip"}]}]),
     DESCRIPTION, ValueError, "needs at least 2 steps, got 1"),
    (powers(updatemenus=[{"type": "buttons", "buttons": [{"label": "", "method": "skip"}]}]),
     DESCRIPTION, ValueError, "button 1 of menu 1 .* needs a label"),
    (powers(), "powers.png", ValueError, "description must describe"),
    ({"data": []}, DESCRIPTION, TypeError, "fig must be a plotly Figure"),
])
def test_figure_html_rejects_figures_screen_readers_cannot_name(fig, description, error, match):
    with pytest.raises(error, match=match):
        figure_html(fig, description)
