"""Read the built book as a reader would, in a real browser with no network, with the keyboard
alone where a reader might have no mouse, and with axe-core's accessibility rules.

Opens every page listed in _toc.yml from _build/html in headless Chromium, driven by
Playwright (the system's Chromium: `playwright install` is not needed), each page in a fresh
profile (a first visit: empty localStorage) with every request that is not file:// aborted
and counted. On every page it checks:

- no JavaScript error: nothing logged with console.error, no uncaught exception;
- no request left the disk (the page works offline: MathJax, plotly.js etc. come from _static);
- every <img> exists on disk and loaded in the browser (naturalWidth > 0), and has a text
  alternative: its alt is not missing, empty, a file name or a path;
- every formula was typeset: each `.math` element holds MathJax output, none still shows
  raw `\\(` / `\\[` delimiters, and each carries MathJax's assistive MathML (what screen readers read);
- no cell output is a traceback;
- the Colab launch button of a chapter opens that chapter's notebook:
  <colab_url>/github/<owner>/<repo>/blob/<branch>/<path_to_book>chapters/<name>.ipynb
  (repository and branch from _config.yml); pages that are not notebooks have no Colab button;
- interactive figures (nnbook.interactive): each is drawn, named by its title and
  described; with the keyboard alone, each button menu (Enter on each button
  in turn) and each slider (End, or Home at the end) changes the picture;
- concept questions (nnbook.quiz), with the keyboard alone: the page's first question is reached
  by Tab from the top of the page; Enter on a wrong option says "Not quite", Tab or Shift+Tab to
  the right one and Space says "Correct"; the focused option shows a focus ring, the chosen one
  is marked pressed, and the feedback is in an aria-live region;
- axe-core (bundled with axe-playwright-python, so no network): every rule tagged WCAG 2.0 or
  2.1, level A or AA, finds no violation, in the light theme (after the questions were answered)
  and in the dark theme (the theme's `mode` in localStorage, questions answered wrongly).
  Figures and questions inside a closed dropdown or <details> are opened first, as a reader would.

Saves screenshots in _build/screenshots: <page>.png (full page), <page>-dark.png, and
<page>-quiz.png (the first question, answered by keyboard); and _build/a11y-report.json: per
page the axe violations of each theme, every image's alt text and its length in words, every
interactive figure's title and description. Prints one row per page. Exits 1 when a check fails
and 2 when the check cannot run at all (Playwright, axe-playwright-python or Chromium missing):
a check that did not run never passes.

Usage: python -m tools.browser_check [_build/html] [--book .] [--screenshots DIR] [--report FILE]
                                     [--chromium PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from nnbook.files import write_atomically
from nnbook.plots import alt_text_problem
from tools.book import pages as book_pages  # the pages of _toc.yml in reading order
from tools.browser_keyboard import TIMEOUT_MS, check_figures, check_quizzes

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]   # WCAG 2.0 and 2.1, levels A and AA


class CannotRun(Exception):
    """The check could not run at all (no Playwright, no axe, no Chromium, no built book)."""


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


def image_alt_problems(images: list[dict]) -> list[str]:
    """Images whose alt text is missing, empty, a file name or a path: one line each."""
    problems = []
    for number, image in enumerate(images, 1):
        src = image["src"] if not image["src"].startswith("data:") else "data:…"
        if image["alt"] is None:
            problems.append(f"image {number} ({src}) has no alt attribute")
        elif (problem := alt_text_problem(image["alt"], min_words=1)):
            problems.append(f"image {number} ({src}): its alt text {image['alt'][:60]!r} is no "
                            f"description: {problem}")
    return problems


def axe_summary(violations: list[dict]) -> str:
    """'0', or '2: color-contrast (3), image-alt (1)'."""
    if not violations:
        return "0"
    return f"{len(violations)}: " + ", ".join(f"{v['id']} ({v['nodes']})" for v in violations)


@dataclass
class PageResult:
    page: str
    console_errors: list[str] = field(default_factory=list)
    images: tuple[int, int] = (0, 0)        # (loaded, total)
    alt_texts: tuple[int, int] = (0, 0)     # (described, total)
    formulas: tuple[int, int] = (0, 0)      # (typeset, total)
    assistive: int = 0                      # typeset formulas that carry assistive MathML
    figures: tuple[int, int] = (0, 0)       # (drawn, titled, each control works by keyboard; total)
    sliders: int = 0
    quizzes: tuple[int, int] = (0, 0)       # (answered by keyboard, total)
    axe: dict = field(default_factory=dict)  # theme -> [{"id", "impact", "help", "nodes", "targets"}]
    blocked: list[str] = field(default_factory=list)
    colab: str = "n/a"
    details: dict = field(default_factory=dict)   # for the report: alt texts, figure descriptions
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def table(results: list[PageResult]) -> str:
    """The per-page summary table (plain text)."""
    head = ["page", "console errors", "images", "alt texts", "formulas (MathML)", "interactive figures",
            "quiz by keyboard", "axe light", "axe dark", "blocked requests", "colab", "result"]
    rows = [[r.page, str(len(r.console_errors)), "%d/%d" % r.images,
             "%d/%d" % r.alt_texts,
             "%d/%d (%d)" % (*r.formulas, r.assistive),
             "%d/%d" % r.figures + (f" ({r.sliders} sliders)" if r.sliders else ""),
             "%d/%d" % r.quizzes, axe_summary(r.axe.get("light", [])) if "light" in r.axe else "-",
             axe_summary(r.axe.get("dark", [])) if "dark" in r.axe else "-",
             str(len(r.blocked)), r.colab, "OK" if r.ok else "FAIL"]
            for r in results]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    line = lambda row: "  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
    return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, rows)])


def report(results: list[PageResult]) -> dict:
    """The JSON report: per page, what the table counts and the texts behind the counts."""
    return {"axe_tags": AXE_TAGS,
            "pages": [{key: value for key, value in asdict(r).items()} | {"ok": r.ok} for r in results]}


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
  const assistive = all.filter(el => el.querySelector('mjx-container mjx-assistive-mml math'));
  return {total: all.length, typeset: all.length - raw.length, assistive: assistive.length,
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
  return imgs.map(img => ({src: img.getAttribute('src').slice(0, 200), width: img.naturalWidth,
                           alt: img.getAttribute('alt')}));
}""" % TIMEOUT_MS

DARK_THEME = "localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');"


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now: the violations found."""
    from axe_playwright_python.sync_playwright import Axe

    # preload: false: axe would fetch every stylesheet again by XMLHttpRequest, which file:// pages
    # refuse (a console error per stylesheet); it reads the styles the page has loaded instead
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"], "preload": False}
    found = Axe().run(page, options=options).response["violations"]
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": len(v["nodes"]),
             "targets": [" ".join(map(str, node["target"]))[:120] for node in v["nodes"][:3]]}
            for v in found]



def open_page(browser, html_file: Path, result: PageResult, dark: bool = False):
    """A fresh profile (a first visit), the network out of reach, errors and requests recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  color_scheme="dark" if dark else "light")
    if dark:
        context.add_init_script(DARK_THEME)
    theme = "dark theme: " if dark else ""

    def route(route):   # the network is out of reach; the "request" handler counts the attempts
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("console", lambda msg: msg.type == "error" and result.console_errors.append(
        f"{theme}{msg.text} [{msg.location.get('url', '').rsplit('/', 1)[-1]}:{msg.location.get('lineNumber')}]"))
    page.on("pageerror", lambda error: result.console_errors.append(f"{theme}uncaught: {error}"))
    page.on("request", lambda request: None if request.url.startswith(LOCAL_SCHEMES)
            else result.blocked.append(request.url))
    page.goto(html_file.as_uri(), wait_until="load", timeout=TIMEOUT_MS)
    if (waited := page.evaluate(WAIT_FOR_MATHJAX)):
        result.problems.append(theme + waited)
    return context, page


def check_colab(page, result: PageResult, expected_colab: str | None) -> None:
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


def check_light(browser, html_file: Path, result: PageResult, expected_colab: str | None, shots: Path) -> None:
    context, page = open_page(browser, html_file, result)
    try:
        images = page.evaluate(IMAGES)
        broken = [img["src"] for img in images if not img["width"]]
        result.images = (len(images) - len(broken), len(images))
        result.problems += [f"image {src} did not load" for src in broken[:5]]
        alt_problems = image_alt_problems(images)
        result.alt_texts = (len(images) - len(alt_problems), len(images))
        result.details["images"] = [{"alt": img["alt"], "words": len((img["alt"] or "").split())}
                                    for img in images]
        result.problems += alt_problems

        formulas = page.evaluate(FORMULAS)
        result.formulas, result.assistive = (formulas["typeset"], formulas["total"]), formulas["assistive"]
        if formulas["raw"]:
            result.problems.append("formulas not typeset, e.g. " + " | ".join(formulas["raw"]))
        if formulas["assistive"] < formulas["typeset"]:
            result.problems.append(f"{formulas['typeset'] - formulas['assistive']} typeset formula(s) without "
                                   "assistive MathML (mjx-assistive-mml): screen readers get no math")

        check_colab(page, result, expected_colab)
        if page.evaluate("() => document.body.innerText.includes('Traceback (most recent call last)')") \
                and "a cell output shows a traceback" not in result.problems:
            result.problems.append("a cell output shows a traceback")

        page.screenshot(path=str(shots / f"{Path(result.page).name}.png"), full_page=True)
        check_quizzes(page, result, shots)   # first: the first question is reached by Tab from the top
        check_figures(page, result)
        result.axe["light"] = run_axe(page)
        page.wait_for_timeout(300)   # late errors (e.g. from a handler) still count
    finally:
        context.close()


def check_dark(browser, html_file: Path, result: PageResult, shots: Path) -> None:
    context, page = open_page(browser, html_file, result, dark=True)
    try:
        theme = page.evaluate("() => document.documentElement.dataset.theme")
        if theme != "dark":
            result.problems.append(f"the dark theme did not apply (data-theme={theme!r})")
        page.wait_for_function("() => [...document.querySelectorAll('.plotly-graph-div')]"
                               ".every(gd => gd._fullLayout)", timeout=TIMEOUT_MS)
        page.evaluate("""() => document.querySelectorAll('.nnbook-quiz').forEach(q =>
            q.querySelector('button.nnbook-quiz-option[data-correct="0"]').click())""")   # wrong-answer colours
        result.axe["dark"] = run_axe(page)
        page.screenshot(path=str(shots / f"{Path(result.page).name}-dark.png"), full_page=True)
    finally:
        context.close()


def check_page(browser, html: Path, page_name: str, expected_colab: str | None,
               shots: Path) -> PageResult:
    result = PageResult(page_name)
    html_file = html / f"{page_name}.html"
    if not html_file.is_file():
        result.problems.append(f"{html_file} was not built")
        return result
    result.problems += static_problems(html_file)
    for theme, check in (("light", lambda: check_light(browser, html_file, result, expected_colab, shots)),
                         ("dark", lambda: check_dark(browser, html_file, result, shots))):
        try:
            check()
        except Exception as error:  # a page the browser cannot work through is a failure, never a skip
            result.problems.append(f"browser ({theme} theme): {type(error).__name__}: {str(error).splitlines()[0]}")
    for theme, violations in result.axe.items():
        for v in violations:
            result.problems.append(f"axe, {theme} theme: {v['id']} ({v['impact']}): {v['help']}; "
                                   f"{v['nodes']} element(s), e.g. {v['targets'][0] if v['targets'] else ''}")
    if result.console_errors:
        result.problems.append(f"{len(result.console_errors)} console error(s): "
                               + " | ".join(result.console_errors[:3]))
    if result.blocked:
        result.problems.append(f"{len(result.blocked)} request(s) to the network (blocked): "
                               + ", ".join(result.blocked[:3]))
    return result


def run(html: Path, book: Path, shots: Path, chromium: str | None) -> list[PageResult]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise CannotRun(f"the playwright package is not installed ({error}); "
                        "pip install playwright (its driver is in the wheel; no browser download needed)")
    try:
        import axe_playwright_python  # noqa: F401  (axe-core's JavaScript ships in the wheel)
    except ImportError as error:
        raise CannotRun(f"axe-playwright-python is not installed ({error}); pip install axe-playwright-python")
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
    parser.add_argument("--report", help="default: <html>/../a11y-report.json")
    parser.add_argument("--chromium", help="path of the Chromium binary (default: /usr/bin/chromium, then PATH)")
    args = parser.parse_args(argv)
    html = Path(args.html).resolve()
    shots = Path(args.screenshots).resolve() if args.screenshots else html.parent / "screenshots"
    report_file = Path(args.report).resolve() if args.report else html.parent / "a11y-report.json"
    try:
        results = run(html, Path(args.book).resolve(), shots, args.chromium)
    except CannotRun as error:
        print(f"browser_check: CANNOT RUN: {error}", file=sys.stderr)
        return 2
    write_atomically(report_file, json.dumps(report(results), indent=1, ensure_ascii=False))
    print()
    print(table(results))
    for result in results:
        for problem in result.problems:
            print(f"FAIL {result.page}: {problem}")
    failed = sum(not r.ok for r in results)
    print(f"\n{len(results) - failed} pages passed, {failed} failed   "
          f"(screenshots in {shots}, report in {report_file})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
