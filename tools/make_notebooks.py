"""The editions of the book for Jupyter and Colab, from the command line (the work: tools/notebook_editions/).

    python -m tools.make_notebooks [--out DIR] [--downloads]   make notebooks: _build/notebooks/chapters/
    python -m tools.make_notebooks --student [--out DIR]       make student:   _build/student/chapters/
    python -m tools.make_notebooks --record-build              make book: which machine built the book

A file in the edition's folder that a person changed since it was written is moved to
my-notebooks/moved-aside/ first, and the command says so (tools/outputs.py).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools import make_student
from tools.notebook_editions.book import ROOT, EditionError, record_build
from tools.notebook_editions.edition import replace_downloads, summary, write_editions
from tools.outputs import Outputs


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--student", action="store_true", help="the student edition (no solutions)")
    parser.add_argument("--out", type=Path, help="default: _build/notebooks, or _build/student")
    parser.add_argument("--downloads", action="store_true",
                        help="also replace the .ipynb behind the book's download button")
    parser.add_argument("--record-build", action="store_true", help="record the machine that built the book")
    parser.add_argument("--root", type=Path, default=ROOT, help="the book's folder (default: this checkout)")
    args = parser.parse_args(argv)
    if args.record_build:
        print(f"build record: {record_build(args.root)}")
        return
    out = args.out or args.root / "_build" / ("student" if args.student else "notebooks")
    outputs = Outputs(out, args.root)
    try:
        written = write_editions(out, student=args.student, root=args.root, outputs=outputs)
        edition = "student" if args.student else "reader's"
        print(f"{edition} edition: {len(written)} chapters in {out}; rewritten per chapter:")
        if args.student:
            print(f"(nbgrader's source of it, the reference code kept: {out / 'nbgrader-source'})")
        print(summary(written))
        if args.downloads:
            if args.student:
                raise EditionError("--downloads serves the reader's edition, not the student edition")
            replaced = replace_downloads(out, written, args.root)
            print(f"download button: {len(replaced)} notebooks replaced in _build/html/_sources")
    except (EditionError, make_student.MarkingError) as error:
        sys.exit(f"make_notebooks: {error}")
    finally:
        if outputs.moved:
            print(outputs.report("make_notebooks"))


if __name__ == "__main__":
    main()
