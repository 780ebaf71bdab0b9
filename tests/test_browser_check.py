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


def test_toc_pages_lists_root_then_every_file_in_order():
    toc = {"format": "jb-book", "root": "index",
           "parts": [{"caption": "A", "chapters": [{"file": "notation.md"}]},
                     {"caption": "B", "chapters": [{"file": "chapters/01_x",
                                                    "sections": [{"file": "chapters/01_y.ipynb"}]},
                                                   {"file": "chapters/02_z"}]}]}
    assert browser_check.toc_pages(toc) == ["index", "notation", "chapters/01_x", "chapters/01_y",
                                            "chapters/02_z"]


def test_toc_pages_of_the_book_covers_every_chapter():
    pages = browser_check.toc_pages(yaml.safe_load((ROOT / "_toc.yml").read_text()))
    assert pages[0] == "index"
    chapters = sorted(f"chapters/{p.stem}" for p in (ROOT / "chapters").glob("[0-9]*.ipynb"))
    listed = [p for p in pages if p.startswith("chapters/")]
    assert set(listed) <= set(chapters), "the toc lists a chapter that has no notebook"


def test_toc_pages_rejects_glob_entries():
    with pytest.raises(ValueError, match="glob"):
        browser_check.toc_pages({"root": "index", "chapters": [{"glob": "chapters/*"}]})


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
