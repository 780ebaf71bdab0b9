"""The computed parts of the instructors' page, written before each book build (make book).

    python -m tools.instructors [OUT]      (default: _build/instructors)

Reads the book itself — each chapter's opening (objectives, prerequisites, time), its exercise
blocks, which exercises check themselves (nnbook.exercises), its concept questions — plus the run
times of the last recorded `make bench` (bench/reference.json) and the Colab links of
_config.yml, and writes two Markdown files that instructors.md includes. A chapter without
objectives, prerequisites, a time or exercises is an error: the page never shows a blank.
"""
import json
import re
import sys
from pathlib import Path

import nbformat
import yaml

from nnbook.files import write_atomically
from nnbook.exercises import registered
from tools.book import chapters as book_chapters

ROOT = Path(__file__).resolve().parents[1]

GLUE = re.compile(r"\{glue(?::\w+)?\}`[^`]*`")
EXERCISE = re.compile(r"^:::\{exercise\}\s*\n:label: (\S+)\n(.*?)^:::", re.M | re.S)


def opening(markdown, field):
    """The text after '**Field:**' in a chapter's opening, up to a blank line or the next field."""
    match = re.search(rf"(?:^|\s)\*\*{field}[^*]*:\*\*\s*(.*?)(?=\n\s*\n|\s\*\*[A-Z][^*]*:\*\*|\Z)",
                      markdown, re.M | re.S)
    return " ".join(match.group(1).split()).replace("<../", "<") if match else None


def objectives(markdown):
    match = re.search(r"^## What you will learn\s*\n(.*?)(?=\n\s*\n\*\*|\n#|\Z)", markdown, re.M | re.S)
    return match.group(1).strip() if match else None


def read_chapters(root=ROOT, bench_file=None):
    """One dict per chapter of _toc.yml with what the page shows."""
    config = yaml.safe_load((root / "_config.yml").read_text())
    files = [path.relative_to(root).with_suffix("").as_posix() for path in book_chapters(root)]
    repository = config["repository"]["url"].removeprefix("https://github.com/")
    branch = config["repository"]["branch"]
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    bench_file = Path(bench_file) if bench_file else root / "bench" / "reference.json"
    bench = json.loads(bench_file.read_text()) if bench_file.exists() else {"chapters": {}, "machine": {}}
    chapters = []
    for number, name in enumerate(files, 1):
        nb = nbformat.read(root / f"{name}.ipynb", as_version=4)
        # a glued value belongs to its chapter's page: here it would be a missing key
        markdown = GLUE.sub("…", "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown"))
        found = EXERCISE.findall(markdown)  # [(label, text)] in the chapter's order
        exercises = [" ".join(text.split()) for _, text in found]
        run = bench["chapters"].get(Path(name).stem, {})
        chapter = {
            "number": number, "name": name, "title": re.search(r"^# (.+)$", markdown, re.M).group(1),
            "objectives": objectives(markdown), "prerequisites": opening(markdown, "Prerequisites"),
            "time": opening(markdown, "Time"), "exercises": exercises,
            "labels": [label for label, _ in found],
            "checked": [label for label, _ in found if label in registered()],
            "questions": sum("Question(" in c.source for c in nb.cells if c.cell_type == "code"),
            "seconds": run.get("seconds") if run.get("status") == "ok" else None,
            "colab": f"{colab}/github/{repository}/blob/{branch}/{name}.ipynb",
        }
        missing = [key for key in ("objectives", "prerequisites", "time", "exercises") if not chapter[key]]
        if missing:
            raise ValueError(f"{name}: the instructors' page needs its {', '.join(missing)} "
                             "('## What you will learn', '**Prerequisites:**', '**Time:**', :::{exercise})")
        chapters.append(chapter)
    return chapters, bench.get("machine", {})


def at_a_glance(chapters, machine):
    rows = ["| | chapter | exercises (self-checking) | concept questions | runs in | open in Colab |",
            "|---|---|---|---|---|---|"]
    for c in chapters:
        runs = f"{c['seconds']:.0f} s" if c["seconds"] is not None else "not measured"
        rows.append(f"| {c['number']} | {{doc}}`{c['title']} <{c['name']}>` | {len(c['exercises'])} "
                    f"({len(c['checked'])}) | {c['questions']} | {runs} | [Colab]({c['colab']}) |")
    if machine:
        note = (f"Run times: the whole notebook, top to bottom in a fresh kernel, measured by `make bench` "
                f"on {machine.get('cpu_count', '?')} CPU cores"
                f"{' with a GPU' if machine.get('cuda') else ' without a GPU'} "
                f"({machine.get('platform', 'unknown machine')}, torch {machine.get('torch', '?')}, "
                f"{machine.get('date', 'date unknown')}).")
    else:
        note = "Run times: no `make bench` record (bench/reference.json) was found for this build."
    return "\n".join(rows) + "\n\n" + note + "\n"


def exercise_line(c, k, text):
    """The k-th exercise of chapter c: its number in the book and, if it checks itself, the call."""
    number, label = f"{c['number']}.{k}", c["labels"][k - 1]
    checks = f" (checks itself: `check(\"{label}\", ...)`)" if label in c["checked"] else ""
    short = text if len(text) <= 160 else text[:160].rsplit(" ", 1)[0] + " …"
    if short.count("$") % 2:                      # never cut a formula in half
        short = short[: short.rindex("$")].rstrip() + " …"
    return f"- **{number}**{checks}: {short}"


def chapter_by_chapter(chapters):
    parts = []
    for c in chapters:
        exercises = "\n".join(exercise_line(c, k, text) for k, text in enumerate(c["exercises"], 1))
        parts.append(f"### {c['number']}. {c['title']}\n\n"
                     f"**Objectives.**\n\n{c['objectives']}\n\n"
                     f"**Prerequisites.** {c['prerequisites']}\n\n"
                     f"**Time.** {c['time']}\n\n"
                     f"**Exercises.**\n\n{exercises}\n")
    return "\n".join(parts)


def main(out=ROOT / "_build" / "instructors"):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    chapters, machine = read_chapters()
    write_atomically(out / "at_a_glance.md", at_a_glance(chapters, machine))
    write_atomically(out / "chapter_by_chapter.md", chapter_by_chapter(chapters))
    print(f"instructors' page: {len(chapters)} chapters written to {out}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
