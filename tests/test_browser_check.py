"""The browser check's pure-Python parts: which pages it opens, which Colab link it expects,
what it reads from the HTML files. (The browser part runs in `make html-check`.)"""

import json
from pathlib import Path

import pytest
import yaml

from tools import browser_check

ROOT = browser_check.ROOT


def test_colab_link_follows_the_repository_setting():
    config = {"repository": {"url": "https://github.com/someone/my-book.git", "branch": "main",
                             "path_to_book": ""},
              "launch_buttons": {"colab_url": "https://colab.research.google.com/"}}
    assert browser_check.colab_link(config, "chapters/01_neuron") == (
        "https://colab.research.google.com/github/someone/my-book/blob/main/chapters/01_neuron.ipynb")
    config["repository"]["path_to_book"] = "book/"
    assert browser_check.colab_link(config, "chapters/01_neuron").endswith(
        "/blob/main/book/chapters/01_neuron.ipynb")


def test_colab_link_of_the_book_config():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    link = browser_check.colab_link(config, "chapters/01_neuron")
    owner_repo = config["repository"]["url"].removeprefix("https://github.com/")
    assert link == (f"https://colab.research.google.com/github/{owner_repo}/blob/"
                    f"{config['repository']['branch']}/chapters/01_neuron.ipynb")


def test_colab_link_needs_a_github_url():
    with pytest.raises(ValueError, match="GitHub"):
        browser_check.colab_link({"repository": {"url": "https://gitlab.com/a/b"},
                                  "launch_buttons": {"colab_url": "https://colab.research.google.com"}},
                                 "chapters/x")


def test_static_problems_finds_tracebacks_and_missing_images(tmp_path):
    (tmp_path / "ok.png").write_bytes(b"png")
    page = tmp_path / "page.html"
    page.write_text('<img src="ok.png"><img src="gone.png"><img src="https://x/y.png">'
                    '<div class="output traceback"><pre>Traceback (most recent call last)</pre></div>')
    assert browser_check.static_problems(page) == ["a cell output shows a traceback",
                                                   "image file gone.png is missing"]
    page.write_text('<img src="ok.png"><p>fine</p>')
    assert browser_check.static_problems(page) == []


def test_image_alt_problems_names_missing_empty_and_path_alt_texts():
    images = [{"src": "a.png", "alt": "Loss curves of four learning rates"},
              {"src": "b.png", "alt": None}, {"src": "c.png", "alt": ""},
              {"src": "data:image/png;base64,AAAA", "alt": "../_images/960ba79e.png"},
              {"src": "e.png", "alt": "logo"}]
    problems = browser_check.image_alt_problems(images)
    assert len(problems) == 3
    assert "image 2 (b.png) has no alt attribute" in problems[0]
    assert "image 3 (c.png)" in problems[1] and "empty" in problems[1]
    assert "image 4 (data:…)" in problems[2] and "names a file or a path" in problems[2]


def test_axe_summary_counts_rules_and_elements():
    assert browser_check.axe_summary([]) == "0"
    assert browser_check.axe_summary([{"id": "color-contrast", "nodes": 3}, {"id": "button-name", "nodes": 1}]) == \
        "2: color-contrast (3), button-name (1)"


def test_table_has_one_row_per_page_with_every_count():
    good = browser_check.PageResult("chapters/01_x", images=(3, 3), alt_texts=(3, 3), formulas=(40, 40),
                                    assistive=40, figures=(1, 1), sliders=2, quizzes=(2, 2),
                                    axe={"light": [], "dark": []}, colab="ok")
    bad = browser_check.PageResult("index", console_errors=["boom"],
                                   blocked=["https://cdn/x.js"], axe={"light": [{"id": "x", "nodes": 2}]},
                                   problems=["1 console error(s): boom"])
    head, rule, *rows = browser_check.table([good, bad]).splitlines()
    assert set(rule) <= {"-", " "} and [row.split()[0] for row in rows] == ["chapters/01_x", "index"]
    # each count of a page stands in its row, under its column's heading, and the row ends with the verdict
    for row, expected in zip(rows, [{"images": "3/3", "formulas (MathML)": "40/40 (40)", "interactive figures":
                                     "1/1 (2 sliders)", "quiz by keyboard": "2/2", "colab": "ok", "result": "OK"},
                                    {"console errors": "1", "axe light": "1: x (2)", "axe dark": "-",
                                     "blocked requests": "1", "result": "FAIL"}]):
        for column, value in expected.items():
            at = head.index(column)
            assert row[at:at + len(value)] == value, (column, row)


def test_report_holds_every_page_with_its_axe_results():
    result = browser_check.PageResult("index", axe={"light": [], "dark": []})
    report = browser_check.report([result])
    assert report["axe_tags"] == ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    assert report["pages"][0]["page"] == "index" and report["pages"][0]["ok"]
    json.dumps(report)   # it is written as JSON


def test_missing_chromium_means_cannot_run(tmp_path):
    with pytest.raises(browser_check.CannotRun, match="Chromium not found"):
        browser_check.find_chromium(str(tmp_path / "no-such-chromium"))


# ---- in Chromium: a page that passes every check, and pages that fail each one ----------------

@pytest.fixture(scope="module")
def browser():
    """Chromium through Playwright. Skips (visibly) where Chromium, Playwright or axe is missing;
    CI's `make html-check` fails instead."""
    pytest.importorskip("playwright.sync_api")
    pytest.importorskip("axe_playwright_python")
    try:
        executable = browser_check.find_chromium(None)
    except browser_check.CannotRun as error:
        pytest.skip(str(error))
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=browser_check.CHROMIUM_ARGS,
                                              headless=True)
        yield chromium
        chromium.close()


DESCRIPTION = "Three curves over the unit interval: a line, a parabola and a cubic, one at a time."
THEME = "<script>document.documentElement.dataset.theme = localStorage.getItem('theme') || 'light';</script>"
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def powers_figure():
    go = pytest.importorskip("plotly.graph_objects")
    import numpy as np
    x = np.linspace(0, 1, 20)
    fig = go.Figure([go.Scatter(x=x, y=x ** p, visible=(p == 1)) for p in (1, 2, 3)])
    fig.update_layout(title="powers of x", sliders=[{"currentvalue": {"prefix": "power: "}, "steps": [
        {"method": "update", "label": str(p), "args": [{"visible": [q == p for q in (1, 2, 3)]}]}
        for p in (1, 2, 3)]}])
    return fig


def write_page(folder, name, body, theme=True):
    import plotly
    js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    (folder / "style.css").write_text("body { font-family: sans-serif; }")   # axe must not fetch it again
    (folder / f"{name}.html").write_text(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{name}</title>'
        f'<link rel="stylesheet" href="style.css">'
        f'{THEME if theme else ""}<script src="{js.as_uri()}"></script></head>'
        f"<body><main>{body}</main></body></html>", encoding="utf8")


def test_a_quiz_a_figure_and_an_image_pass_by_keyboard_in_both_themes(browser, tmp_path):
    """nnbook.quiz and nnbook.interactive's HTML, offline: the first question answered with Tab,
    Enter and Space, the slider moved with End, an image with a description, no axe violation in
    the light or the dark theme, no console error."""
    from nnbook.interactive import figure_html
    from nnbook.quiz import Question

    quiz = Question("Which power is a line?", {"2": "a parabola", "1": "yes", "3": "a cubic"}, answer="1")
    image = f'<img src="data:image/png;base64,{PNG}" alt="A single white pixel, the smallest possible test image.">'
    fig = powers_figure()
    fig.update_layout(updatemenus=[{"name": "colour", "buttons": [   # a drop-down: a <select>
        {"label": "blue", "method": "restyle", "args": [{"line.color": "blue"}]},
        {"label": "black", "method": "restyle", "args": [{"line.color": "black"}]}]}])
    write_page(tmp_path, "page", '<p><a href="#">a link before the question</a></p>'
               f"{quiz._repr_html_()}{figure_html(fig, DESCRIPTION)}{image}")
    result = browser_check.check_page(browser, tmp_path, "page", None, tmp_path)
    assert result.ok, result.problems
    assert result.quizzes == (1, 1) and result.figures == (1, 1) and result.sliders == 1
    assert result.alt_texts == (1, 1) and result.axe == {"light": [], "dark": []}
    assert result.details["figures"][0]["description"] == DESCRIPTION
    assert (tmp_path / "page-quiz.png").is_file() and (tmp_path / "page-dark.png").is_file()


def test_each_check_fails_where_it_should(browser, tmp_path):
    """A path as alt text, a button without a name, text too faint to read, a question whose
    feedback no screen reader announces, a figure without a description, plotly's own slider
    (mouse only), a page without the dark theme: each is reported."""
    from nnbook.interactive import figure_html
    from nnbook.quiz import Question

    silent = Question("Which power is a line?", {"2": "no", "1": "yes"}, answer="1")._repr_html_()
    silent = silent.replace('role="status" aria-live="polite"', "")
    body = (f'<img src="data:image/png;base64,{PNG}" alt="../_images/960ba79e4f31.png">'
            '<button type="button"></button>'
            '<p style="color: #bbb; background: #fff">faint text</p>'
            f"{silent}{figure_html(powers_figure())}"
            + powers_figure().to_html(full_html=False, include_plotlyjs=False))
    write_page(tmp_path, "bad", body, theme=False)
    result = browser_check.check_page(browser, tmp_path, "bad", None, tmp_path)
    problems = "\n".join(result.problems)
    assert "its alt text '../_images/960ba79e4f31.png' is no description" in problems
    assert {"button-name", "color-contrast"} <= {v["id"] for v in result.axe["light"]}, result.axe
    assert "axe, dark theme: button-name" in problems
    assert "question 1, by keyboard" in problems and "not an aria-live region" in problems
    assert "interactive figure 1 has no description" in problems
    assert "interactive figure 2: its sliders and buttons are plotly's SVG ones" in problems
    assert "the dark theme did not apply" in problems


def test_an_animation_played_paused_and_slid_by_keyboard_logs_no_error(browser, tmp_path):
    """Play, pause and the slider cut each other's animations short; plotly rejects the cut one's
    promise, which must not become an uncaught error on the page."""
    go = pytest.importorskip("plotly.graph_objects")
    from nnbook.interactive import figure_html

    frames = [go.Frame(data=[go.Scatter(y=[0, k, 0])], name=str(k), layout={"title.text": f"peak {k}"})
              for k in range(1, 12)]
    fast = {"mode": "immediate", "frame": {"duration": 300, "redraw": True}, "transition": {"duration": 0}}
    fig = go.Figure(go.Scatter(y=[0, 1, 0]), frames=frames, layout={"title": {"text": "peak 1"}, "yaxis": {"range": [0, 12]}})
    fig.update_layout(
        updatemenus=[{"type": "buttons", "buttons": [{"label": "play", "method": "animate", "args": [None, fast]},
                                                     {"label": "pause", "method": "animate", "args": [[None], fast]}]}],
        sliders=[{"currentvalue": {"prefix": "peak "}, "steps": [
            {"label": f.name, "method": "animate", "args": [[f.name], fast]} for f in frames]}])
    write_page(tmp_path, "animation", figure_html(fig, "A triangle whose peak rises from one to eleven, frame by frame."))
    result = browser_check.check_page(browser, tmp_path, "animation", None, tmp_path)
    assert result.ok, result.problems
    assert result.figures == (1, 1) and not result.console_errors
