"""Read the built book as a reader would, in a real browser with no network.

Opens every page listed in _toc.yml from _build/html in headless Chromium, driven by
Playwright (the system's Chromium: `playwright install` is not needed), each page in a fresh
profile (a first visit: empty localStorage) with every request that is not file:// aborted
and counted. On every page it checks:

- no JavaScript error: nothing logged with console.error, no uncaught exception;
- no request left the disk (the page works offline: MathJax, plotly.js etc. come from _static);
- every <img> exists on disk and loaded in the browser (naturalWidth > 0);
- every formula was typeset: each `.math` element holds MathJax output, none still shows
  raw `\\(` / `\\[` delimiters;
- no cell output is a traceback;
- the Colab launch button of a chapter opens that chapter's notebook:
  <colab_url>/github/<owner>/<repo>/blob/<branch>/<path_to_book>chapters/<name>.ipynb
  (repository and branch from _config.yml); pages that are not notebooks have no Colab button;
- interactive figures: every plotly figure (`.plotly-graph-div`) is drawn, and moving each of
  its sliders (a mouse click on another step of the slider, as a reader would) changes the
  picture;
- self-checking questions: every question (an element with class `nnbook-quiz`, or a
  jupyterquiz `.MultipleChoiceQn` / `.ManyChoiceQn` / `.NumericQn`) answers when used:
  clicking its first choice (button, label or radio/checkbox) -- or, for a question with a
  text box, typing 0 and pressing Enter -- must change the page's visible text (its feedback).
  Figures and questions inside a closed dropdown or <details> are opened first, as a reader would.

and saves a full-page screenshot of each page in _build/screenshots/<page>.png. Prints one
row per page: console errors, images, formulas, interactive figures, quiz answers, blocked
requests. Exits 1 when a check fails and 2 when the check cannot run at all (Playwright or
Chromium missing): a check that did not run never passes.

Usage: python tools/browser_check.py [_build/html] [--book .] [--screenshots DIR] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from book import pages as book_pages  # tools/book.py: the pages of _toc.yml in reading order

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
QUIZ_SELECTOR = ".nnbook-quiz, .MultipleChoiceQn, .ManyChoiceQn, .NumericQn"
CHOICE_SELECTOR = "label.MCButton, button, [role=button], input[type=radio], input[type=checkbox], label"
TEXT_INPUT_SELECTOR = "input[type=text], input[type=number], input:not([type])"
TIMEOUT_MS = 30_000


class CannotRun(Exception):
    """The check could not run at all (no Playwright, no Chromium, no built book)."""


# ---------------------------------------------------------------------------------------------
# Pure Python: which pages, which Colab links (tested in tests/test_browser_check.py)

def colab_link(config: dict, page: str) -> str:
    """The Colab launch URL sphinx-book-theme should give the notebook page `page`."""
    repo = config.get("repository", {})
    url = str(repo.get("url", "")).rstrip("/")
    found = re.fullmatch(r"https://github\.com/([^/]+)/([^/]+?)(?:\.git)?", url)
    if not found:
        raise ValueError(f"repository.url in _config.yml must be a GitHub repository URL, got {url!r}")
    owner, name = found.groups()
    branch = repo.get("branch") or "main"
    prefix = str(repo.get("path_to_book") or "").strip("/")
    prefix = f"{prefix}/" if prefix else ""
    colab = str(config.get("launch_buttons", {}).get("colab_url", "")).rstrip("/")
    if not colab:
        raise ValueError("launch_buttons.colab_url is not set in _config.yml")
    return f"{colab}/github/{owner}/{name}/blob/{branch}/{prefix}{page}.ipynb"


def static_problems(html_file: Path) -> list[str]:
    """What the HTML file itself shows: a traceback in an output, an image file missing."""
    problems = []
    text = html_file.read_text(encoding="utf8")
    if "Traceback (most recent call last)" in text or 'class="output traceback' in text:
        problems.append("a cell output shows a traceback")
    for src in re.findall(r'<img[^>]+src="([^"]+)"', text):
        if not src.startswith(("http:", "https:", "data:")) and not (html_file.parent / src).is_file():
            problems.append(f"image file {src} is missing")
    return problems


@dataclass
class PageResult:
    page: str
    console_errors: list[str] = field(default_factory=list)
    images: tuple[int, int] = (0, 0)        # (loaded, total)
    formulas: tuple[int, int] = (0, 0)      # (typeset, total)
    figures: tuple[int, int] = (0, 0)       # (drawn and, for each slider, changed by it; total)
    sliders: int = 0
    quizzes: tuple[int, int] = (0, 0)       # (answered when used, total)
    blocked: list[str] = field(default_factory=list)
    colab: str = "n/a"
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def table(results: list[PageResult]) -> str:
    """The per-page summary table (plain text)."""
    head = ["page", "console errors", "images", "formulas", "interactive figures",
            "quiz answers", "blocked requests", "colab", "result"]
    rows = [[r.page, str(len(r.console_errors)), "%d/%d" % r.images, "%d/%d" % r.formulas,
             "%d/%d" % r.figures + (f" ({r.sliders} sliders)" if r.sliders else ""),
             "%d/%d" % r.quizzes, str(len(r.blocked)), r.colab, "OK" if r.ok else "FAIL"]
            for r in results]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    line = lambda row: "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


# ---------------------------------------------------------------------------------------------
# In the browser

def find_chromium(explicit: str | None) -> str:
    for name in ([explicit] if explicit else CHROMIUM_CANDIDATES):
        path = name if os.path.isabs(name) else shutil.which(name)
        if path and os.access(path, os.X_OK):
            return path
    raise CannotRun("Chromium not found" + (f" at {explicit}" if explicit else "")
                    + " (Debian: apt-get install -y chromium)")


WAIT_FOR_MATHJAX = """async () => {
  const math = document.querySelectorAll('.math').length;
  if (!window.MathJax || !window.MathJax.startup) return math ? 'MathJax did not load' : '';
  const timeout = new Promise(resolve => setTimeout(() => resolve('timeout'), %d));
  const done = window.MathJax.startup.promise.then(() => '');
  return await Promise.race([done, timeout]) === 'timeout' ? 'MathJax did not finish' : '';
}""" % TIMEOUT_MS

FORMULAS = r"""() => {
  const all = [...document.querySelectorAll('.math')].filter(el => !el.parentElement.closest('.math'));
  const raw = all.filter(el => !el.querySelector('mjx-container') || /\\\(|\\\[/.test(el.textContent));
  return {total: all.length, typeset: all.length - raw.length,
          raw: raw.slice(0, 3).map(el => el.textContent.trim().slice(0, 60))};
}"""

IMAGES = """async () => {
  const imgs = [...document.images];
  await Promise.all(imgs.map(img => {
    img.loading = 'eager';
    if (img.complete) return null;
    return new Promise(resolve => {
      img.addEventListener('load', resolve); img.addEventListener('error', resolve);
      setTimeout(resolve, %d);
    });
  }));
  return imgs.map(img => ({src: img.getAttribute('src'), width: img.naturalWidth}));
}""" % TIMEOUT_MS

SLIDER_STATE = """(gd, i) => {
  const s = (gd._fullLayout.sliders || []).filter(s => s.visible !== false)[i];
  return {active: s.active, steps: s.steps.filter(st => st.visible !== false).length};
}"""


REVEAL = """el => {   // open what a reader would open first: <details> and "Click to show" dropdowns
  for (let d = el.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) d.open = true;
  for (let t = el.closest('.toggle-hidden'); t; t = t.parentElement && t.parentElement.closest('.toggle-hidden'))
    t.classList.remove('toggle-hidden');
}"""


def plot_picture(page, figure) -> bytes:
    """A screenshot of a plotly figure above its sliders and buttons: the slider's own grip
    and label move with it, and must not count as the figure changing."""
    page.mouse.move(0, 0)   # no hover label, and the mode bar that hovering shows goes
    figure.evaluate("gd => gd.querySelectorAll('.modebar-container, .hoverlayer')"
                    ".forEach(el => el.style.visibility = 'hidden')")
    box = figure.bounding_box()
    controls = [b for b in (c.bounding_box() for c in
                            figure.locator("g.slider-container, g.updatemenu-container").all()) if b]
    bottom = min([box["y"] + box["height"], *[b["y"] for b in controls if b["y"] > box["y"] + 50]])
    return page.screenshot(clip={"x": box["x"], "y": box["y"], "width": box["width"],
                                 "height": bottom - box["y"]})


def check_figures(page, result: PageResult) -> None:
    figures = page.locator(".plotly-graph-div")
    total, good = figures.count(), 0
    for i in range(total):
        figure = figures.nth(i)
        label = f"interactive figure {i + 1}"
        try:
            figure.evaluate(REVEAL)
            figure.scroll_into_view_if_needed(timeout=TIMEOUT_MS)
            page.wait_for_function("gd => !!(gd._fullLayout && gd.querySelector('.main-svg'))",
                                   arg=figure.element_handle(), timeout=TIMEOUT_MS)
        except Exception:
            result.problems.append(f"{label} is not drawn (plotly.js not loaded, or hidden)")
            continue
        n_sliders = figure.evaluate("gd => (gd._fullLayout.sliders || []).filter(s => s.visible !== false).length")
        result.sliders += n_sliders
        changed_all = True
        for s in range(n_sliders):
            state = figure.evaluate(SLIDER_STATE, s)
            if state["steps"] < 2:
                result.problems.append(f"{label}, slider {s + 1}: fewer than two steps")
                changed_all = False
                continue
            target = state["steps"] - 1 if state["active"] != state["steps"] - 1 else 0
            slider = figure.locator("g.slider-container").nth(s)
            tick = slider.locator("rect.slider-tick-rect").nth(target).bounding_box()
            grip = slider.locator("rect.slider-grip-rect").first.bounding_box()
            if not tick or not grip:
                result.problems.append(f"{label}, slider {s + 1}: not visible on the page")
                changed_all = False
                continue
            before = plot_picture(page, figure)
            page.mouse.click(tick["x"] + tick["width"] / 2, grip["y"] + grip["height"] / 2)
            try:
                page.wait_for_function(
                    "([gd, i, t]) => (gd._fullLayout.sliders || []).filter(s => s.visible !== false)[i].active === t",
                    arg=[figure.element_handle(), s, target], timeout=5000)
            except Exception:
                result.problems.append(f"{label}, slider {s + 1}: did not move to step {target + 1} when clicked")
                changed_all = False
                continue
            page.wait_for_timeout(1500)   # let a transition finish
            if plot_picture(page, figure) == before:
                result.problems.append(f"{label}, slider {s + 1}: the figure did not change when it moved")
                changed_all = False
        good += changed_all
    result.figures = (good, total)


def check_quizzes(page, result: PageResult) -> None:
    questions = page.locator(QUIZ_SELECTOR)
    count = questions.count()
    indices = [i for i in range(count)      # the outermost question elements only
               if not questions.nth(i).evaluate(f"el => !!el.parentElement.closest({QUIZ_SELECTOR!r})")]
    good = 0
    for n, i in enumerate(indices, 1):
        question = questions.nth(i)
        label = f"question {n}"
        try:
            question.evaluate(REVEAL)
            question.scroll_into_view_if_needed(timeout=TIMEOUT_MS)
            before = page.evaluate("() => document.body.innerText")
            options = question.locator("button.nnbook-quiz-option")
            if options.count():   # nnbook.quiz: a wrong option says so, the right one says "Correct"
                feedback = question.locator(".nnbook-quiz-feedback")
                wrong = question.locator('button.nnbook-quiz-option[data-correct="0"]')
                wrong.first.click(timeout=5000)
                if not feedback.inner_text().startswith("Not quite"):
                    raise AssertionError("a wrong option was not called wrong")
                question.locator('button.nnbook-quiz-option[data-correct="1"]').first.click(timeout=5000)
                if not feedback.inner_text().startswith("Correct"):
                    raise AssertionError("the right option was not called correct")
                good += 1
                continue
            box = question.locator(TEXT_INPUT_SELECTOR)
            if box.count():
                box.first.fill("0")
                buttons = question.locator("button")
                if buttons.count():
                    buttons.first.click(timeout=5000)
                else:
                    box.first.press("Enter")
            else:
                choices = question.locator(CHOICE_SELECTOR)
                if not choices.count():
                    result.problems.append(f"{label}: no choice to click and no box to type in")
                    continue
                choices.first.click(timeout=5000)
            page.wait_for_function("before => document.body.innerText !== before", arg=before, timeout=5000)
            good += 1
        except Exception as error:
            result.problems.append(f"{label}: gave no answer when used ({type(error).__name__}: {error})")
    result.quizzes = (good, len(indices))


def check_page(browser, html: Path, page_name: str, expected_colab: str | None,
               shots: Path) -> PageResult:
    result = PageResult(page_name)
    html_file = html / f"{page_name}.html"
    if not html_file.is_file():
        result.problems.append(f"{html_file} was not built")
        return result
    result.problems += static_problems(html_file)

    context = browser.new_context(viewport={"width": 1280, "height": 900})   # fresh: a first visit
    blocked = result.blocked

    def route(route):   # the network is out of reach; the "request" handler counts the attempts
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("console", lambda msg: msg.type == "error" and result.console_errors.append(
        f"{msg.text} [{msg.location.get('url', '').rsplit('/', 1)[-1]}:{msg.location.get('lineNumber')}]"))
    page.on("pageerror", lambda error: result.console_errors.append(f"uncaught: {error}"))
    page.on("request", lambda request: None if request.url.startswith(LOCAL_SCHEMES)
            else blocked.append(request.url))
    try:
        page.goto(html_file.as_uri(), wait_until="load", timeout=TIMEOUT_MS)

        images = page.evaluate(IMAGES)
        broken = [img["src"] for img in images if not img["width"]]
        result.images = (len(images) - len(broken), len(images))
        result.problems += [f"image {src} did not load" for src in broken[:5]]

        if (waited := page.evaluate(WAIT_FOR_MATHJAX)):
            result.problems.append(waited)
        formulas = page.evaluate(FORMULAS)
        result.formulas = (formulas["typeset"], formulas["total"])
        if formulas["raw"]:
            result.problems.append("formulas not typeset, e.g. " + " | ".join(formulas["raw"]))

        colab = page.eval_on_selector_all("a.dropdown-item[href*='colab.research.google.com']",   # the launch button, not links in the text
                                          "links => links.map(a => a.href)")
        if expected_colab is None:
            result.colab = "n/a" if not colab else "unexpected"
            if colab:
                result.problems.append(f"a page that is not a notebook has a Colab button: {colab[0]}")
        elif not colab:
            result.colab = "missing"
            result.problems.append(f"no Colab button (expected {expected_colab})")
        elif any(link != expected_colab for link in colab):
            result.colab = "wrong"
            result.problems.append(f"Colab button opens {colab[0]}, expected {expected_colab}")
        else:
            result.colab = "ok"

        if page.evaluate("() => document.body.innerText.includes('Traceback (most recent call last)')") \
                and "a cell output shows a traceback" not in result.problems:
            result.problems.append("a cell output shows a traceback")

        page.screenshot(path=str(shots / f"{Path(page_name).name}.png"), full_page=True)
        check_figures(page, result)
        check_quizzes(page, result)
        page.wait_for_timeout(300)   # late errors (e.g. from a handler) still count
    except Exception as error:  # a page the browser cannot work through is a failure, never a skip
        result.problems.append(f"browser: {type(error).__name__}: {str(error).splitlines()[0]}")
    finally:
        context.close()

    if result.console_errors:
        result.problems.append(f"{len(result.console_errors)} console error(s): "
                               + " | ".join(result.console_errors[:3]))
    if blocked:
        result.problems.append(f"{len(blocked)} request(s) to the network (blocked): "
                               + ", ".join(blocked[:3]))
    return result


def run(html: Path, book: Path, shots: Path, chromium: str | None) -> list[PageResult]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise CannotRun(f"the playwright package is not installed ({error}); "
                        "pip install playwright (its driver is in the wheel; no browser download needed)")
    executable = find_chromium(chromium)
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf8"))
    pages = book_pages(book)
    if not (html / "index.html").is_file():
        raise CannotRun(f"no built book in {html}; run `make book` first")
    shots.mkdir(parents=True, exist_ok=True)
    results = []
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS,
                                                 headless=True)
        except Exception as error:
            raise CannotRun(f"could not start {executable}: {str(error).splitlines()[0]}")
        try:
            for name in pages:
                expected = colab_link(config, name) if (book / f"{name}.ipynb").is_file() else None
                results.append(check_page(browser, html, name, expected, shots))
                print(f"  checked {name}: {'OK' if results[-1].ok else 'FAIL'}", flush=True)
        finally:
            browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("html", nargs="?", default=str(ROOT / "_build" / "html"))
    parser.add_argument("--book", default=str(ROOT), help="folder with _config.yml and _toc.yml")
    parser.add_argument("--screenshots", help="default: <html>/../screenshots")
    parser.add_argument("--chromium", help="path of the Chromium binary (default: /usr/bin/chromium, then PATH)")
    args = parser.parse_args(argv)
    html = Path(args.html).resolve()
    shots = Path(args.screenshots).resolve() if args.screenshots else html.parent / "screenshots"
    try:
        results = run(html, Path(args.book).resolve(), shots, args.chromium)
    except CannotRun as error:
        print(f"browser_check: CANNOT RUN: {error}", file=sys.stderr)
        return 2
    print()
    print(table(results))
    for result in results:
        for problem in result.problems:
            print(f"FAIL {result.page}: {problem}")
    failed = sum(not r.ok for r in results)
    print(f"\n{len(results) - failed} pages passed, {failed} failed   (screenshots in {shots})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
