"""A student's own copy of the reader's edition, where no other make target writes or deletes.

    python -m tools.workspace [--edition _build/notebooks] [--into my-notebooks]   (make workspace; make lab)

`make notebooks` writes the reader's edition into `_build/notebooks/chapters/`: an output, written
again by the next `make notebooks`. A student works in `my-notebooks/` (git-ignored, outside
`_build/`, so `make clean` leaves it alone). This copies each chapter of the edition there:

- a chapter not in my-notebooks/ yet is copied;
- a chapter the student has not changed since it was copied is replaced by the newer edition;
- a chapter the student changed is never touched: a newer edition than the one they started
  from goes beside it, named `<chapter>-new.ipynb` (replaced on later runs only while nobody has
  edited it either).

The chapters are the book's (tools/book.py); nothing else in the edition folder is copied.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools.book import chapters
from tools.outputs import ROOT, WORKSPACE, Outputs, digest


def newer_name(name: str) -> str:
    path = Path(name)
    return f"{path.stem}-new{path.suffix}"


def update_workspace(edition: Path, into: Path, root: Path = ROOT) -> list[str]:
    """Copy the edition's chapters into `into` as the module says; return one line per chapter."""
    edition, into = Path(edition), Path(into)
    written = Outputs(edition, root)
    mine = Outputs(into, root)
    said = []
    for chapter in chapters(root):
        source = edition / "chapters" / chapter.name
        if not source.exists():
            raise FileNotFoundError(f"{source} is missing: run `make book notebooks` first")
        if not written.is_ours(source):
            raise ValueError(f"{source} was changed since `make notebooks` wrote it: run `make notebooks` "
                             f"(it moves the changed file to {Path(WORKSPACE) / 'moved-aside'}) and try again")
        new = source.read_bytes()
        target = into / chapter.name
        if not target.exists():
            mine.write(chapter.name, new)
            said.append(f"{chapter.name}: copied")
        elif target.read_bytes() == new:
            mine.write(chapter.name, new)       # recorded, so a later edition may replace it
        elif mine.is_ours(target):
            mine.write(chapter.name, new)
            said.append(f"{chapter.name}: you had not changed it: replaced by the newer edition")
        elif mine.record.get(chapter.name) == digest(new):
            continue                            # the edition the student started from: nothing newer
        else:
            beside = into / newer_name(chapter.name)
            if beside.exists() and beside.read_bytes() != new and not mine.is_ours(beside):
                said.append(f"{chapter.name}: yours is kept; the newer edition is NOT copied, because "
                            f"{beside.name} was edited too (rename it, then run this again)")
                continue
            if not beside.exists() or beside.read_bytes() != new:
                said.append(f"{chapter.name}: yours is kept (you changed it); the newer edition is beside it: "
                            f"{beside.name}")
            mine.write(beside.name, new)
    return said


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edition", type=Path, default=ROOT / "_build" / "notebooks")
    parser.add_argument("--into", type=Path, default=ROOT / WORKSPACE)
    args = parser.parse_args(argv)
    try:
        said = update_workspace(args.edition, args.into)
    except (FileNotFoundError, ValueError) as error:
        sys.exit(f"workspace: {error}")
    print("\n".join(f"workspace: {line}" for line in said) or f"workspace: {args.into} is up to date")
    print(f"workspace: your notebooks are in {args.into} (no make target writes or deletes there)")


if __name__ == "__main__":
    main()
