"""The browser check's pure-Python parts: which pages it opens, which Colab link it expects,
what it reads from the HTML files. (The browser part runs in `make html-check`.)"""

import importlib.util
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("browser_check", ROOT / "tools" / "browser_check.py")
browser_check = importlib.util.module_from_spec(spec)
sys.modules["browser_check"] = browser_check   # dataclasses look their module up there
spec.loader.exec_module(browser_check)


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


def test_table_has_one_row_per_page_with_every_count():
    good = browser_check.PageResult("chapters/01_x", images=(3, 3), formulas=(40, 40),
                                    figures=(1, 1), sliders=2, quizzes=(2, 2), colab="ok")
    bad = browser_check.PageResult("index", console_errors=["boom"], blocked=["https://cdn/x.js"],
                                   problems=["1 console error(s): boom"])
    lines = browser_check.table([good, bad]).splitlines()
    assert lines[0].split()[:3] == ["page", "console", "errors"]
    assert lines[2].split() == ["chapters/01_x", "0", "3/3", "40/40", "1/1", "(2", "sliders)",
                                "2/2", "0", "ok", "OK"]
    assert lines[3].split() == ["index", "1", "0/0", "0/0", "0/0", "0/0", "1", "n/a", "FAIL"]


def test_missing_chromium_means_cannot_run(tmp_path):
    with pytest.raises(browser_check.CannotRun, match="Chromium not found"):
        browser_check.find_chromium(str(tmp_path / "no-such-chromium"))


def test_a_quiz_and_a_slider_figure_work_in_a_real_browser(tmp_path):
    """nnbook.quiz and nnbook.interactive's HTML, in Chromium, offline: the check clicks a wrong and
    the right option and moves the slider; the page has no console error. Skips (visibly) where
    Chromium or Playwright is missing; CI's `make html-check` fails instead."""
    pytest.importorskip("playwright.sync_api")
    go = pytest.importorskip("plotly.graph_objects")
    try:
        executable = browser_check.find_chromium(None)
    except browser_check.CannotRun as error:
        pytest.skip(str(error))
    import numpy as np
    import plotly
    from playwright.sync_api import sync_playwright

    from nnbook.interactive import figure_html
    from nnbook.quiz import Question

    x = np.linspace(0, 1, 20)
    fig = go.Figure([go.Scatter(x=x, y=x ** p, visible=(p == 1)) for p in (1, 2, 3)])
    fig.update_layout(sliders=[{"steps": [{"method": "update", "label": str(p),
                                           "args": [{"visible": [q == p for q in (1, 2, 3)]}]}
                                          for p in (1, 2, 3)]}])
    quiz = Question("Which power is a line?", {"1": "yes", "2": "a parabola", "3": "a cubic"}, answer="1")
    js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    (tmp_path / "page.html").write_text(
        f'<html><head><script src="{js.as_uri()}"></script></head><body>'
        f"{figure_html(fig)}{quiz._repr_html_()}</body></html>")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=browser_check.CHROMIUM_ARGS,
                                             headless=True)
        try:
            result = browser_check.check_page(browser, tmp_path, "page", None, tmp_path)
        finally:
            browser.close()
    assert result.figures == (1, 1) and result.sliders == 1, result.problems
    assert result.quizzes == (1, 1), result.problems
    assert not result.console_errors, result.console_errors
