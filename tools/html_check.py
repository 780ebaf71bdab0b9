"""Look at the built book as a reader would: open every page in headless Chromium and check
that the math was typeset (MathJax served from the build, so no network needed), every
figure file exists, and no cell output is an error. Saves a screenshot of each page.

Usage: python tools/html_check.py [_build/html]     (after `make book`; needs chromium)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update", "--hide-scrollbars"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    sys.exit("html_check: Chromium not found (Debian: apt-get install -y chromium)")


def browser(page: Path, *args: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                              capture_output=True, text=True, timeout=180)
    return done.stdout


def check_page(page: Path, shots: Path) -> list[str]:
    """Problems found on one page (an empty list when it looks right)."""
    problems = []
    static = page.read_text()
    if "Traceback (most recent call last)" in static or 'class="output traceback' in static:
        problems.append("a cell output shows a traceback")
    for src in re.findall(r'<img[^>]+src="([^"]+)"', static):
        if not src.startswith(("http:", "https:", "data:")) and not (page.parent / src).is_file():
            problems.append(f"figure {src} is missing")
    math = len(re.findall(r'class="math[ "]', static))
    dom = browser(page, "--virtual-time-budget=20000", "--dump-dom")
    typeset = dom.count("<mjx-container")
    if math and typeset < math:
        problems.append(f"MathJax typeset {typeset} of {math} formulas")
    if not dom.strip():
        problems.append("Chromium returned an empty page")
    browser(page, "--virtual-time-budget=20000", "--window-size=1280,2400",
            f"--screenshot={shots / (page.stem + '.png')}")
    print(f"{page.name:<40} formulas {typeset}/{math}  figures {static.count('<img')}  "
          f"{'OK' if not problems else 'PROBLEMS'}")
    return problems


def main(argv: list[str]) -> int:
    html = Path(argv[0] if argv else "_build/html").resolve()
    top = [p for p in sorted(html.glob("*.html")) if p.name not in ("genindex.html", "search.html")]
    pages = [html / "index.html", *[p for p in top if p.name != "index.html"],
             *sorted((html / "chapters").glob("*.html"))]
    if not pages[0].exists():
        sys.exit(f"html_check: no built book in {html}; run `make book` first")
    shots = html.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    failed = {p.name: probs for p in pages if (probs := check_page(p, shots))}
    for name, problems in failed.items():
        print(f"FAIL {name}: " + "; ".join(problems))
    print(f"{len(pages) - len(failed)} passed, {len(failed)} failed   (screenshots in {shots})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
