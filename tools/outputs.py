"""The files a book command writes, and the rule that it never overwrites or deletes what a person edited.

A folder the commands write into (`_build/notebooks`, `_build/student`) holds a record of what they
wrote there, `.nnbook-written.json`: the SHA-256 of each file's bytes. Before a file is written
again, it is compared with the record: a file that was changed since (a student's answers in a
chapter opened in Jupyter), or that the command never wrote (a notebook a student made there), is
moved aside first, out of `_build/`, into `my-notebooks/moved-aside/` under the same path, and the
command says so. Jupyter's checkpoint folders (`.ipynb_checkpoints/`) are Jupyter's, not a person's,
and are never read or counted.

    outputs = Outputs(ROOT / "_build" / "notebooks")
    outputs.write("chapters/01_neuron.ipynb", text)     # moves an edited file aside first
    outputs.moved                                       # [(from, to, why), ...]: what to tell the user
    python -m tools.outputs aside _build/notebooks _build/student   # make clean: edited files out first
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

from nnbook.files import write_atomically

ROOT = Path(__file__).resolve().parents[1]
RECORD = ".nnbook-written.json"
WORKSPACE = "my-notebooks"          # a student's own folder (git-ignored); no make target deletes in it
ASIDE = Path(WORKSPACE) / "moved-aside"
CHECKPOINTS = ".ipynb_checkpoints"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_jupyters(path: Path) -> bool:
    """A file Jupyter keeps for itself (its checkpoints), not a person's."""
    return CHECKPOINTS in path.parts


def free_name(path: Path) -> Path:
    """path, or path with -1, -2, ... before its suffix: the first name not taken."""
    k, candidate = 0, path
    while candidate.exists():
        k += 1
        candidate = path.with_name(f"{path.stem}-{k}{path.suffix}")
    return candidate


class Outputs:
    """One folder a command writes into, and the record of the bytes it wrote there."""

    def __init__(self, folder: Path, root: Path = ROOT):
        self.folder, self.root = Path(folder), Path(root)
        record = self.folder / RECORD
        self.record: dict[str, str] = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
        self.moved: list[tuple[Path, Path, str]] = []   # (from, to, why)

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()

    def is_ours(self, path: Path) -> bool:
        """Whether the file holds exactly what a command wrote there last."""
        return self.record.get(self._relative(path)) == digest(path.read_bytes())

    def edited(self) -> list[Path]:
        """The files in the folder that a person changed or made: not as the record says, not Jupyter's."""
        if not self.folder.is_dir():
            return []
        return [path for path in sorted(self.folder.rglob("*"))
                if path.is_file() and path.name != RECORD and not is_jupyters(path.relative_to(self.folder))
                and not self.is_ours(path)]

    def move_aside(self, path: Path) -> Path:
        """Move a person's file out of the folder, to my-notebooks/moved-aside/<its path>; return where."""
        try:
            where = self.folder.resolve().relative_to(self.root.resolve())
        except ValueError:
            where = Path(self.folder.name)
        why = "was changed since it was written" if self._relative(path) in self.record else \
            "was not written by the book's commands"
        target = free_name(self.root / ASIDE / where / self._relative(path))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
        self.moved.append((path, target, why))
        return target

    def write(self, relative: str, content: str | bytes) -> Path:
        """Write content to folder/relative, first moving aside a file there that a person edited."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        target = self.folder / relative
        if target.exists() and digest(target.read_bytes()) != digest(data) and not self.is_ours(target):
            self.move_aside(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != data:
            write_atomically(target, data)
        self.record[self._relative(target)] = digest(data)
        write_atomically(self.folder / RECORD, json.dumps(self.record, indent=1, sort_keys=True) + "\n")
        return target

    def report(self, command: str) -> str:
        """What to tell the user: each file moved aside, and where it is now."""
        return "\n".join(f"{command}: {a.relative_to(self.root) if a.is_relative_to(self.root) else a} {why}: "
                          f"moved to {b.relative_to(self.root)}" for a, b, why in self.moved)


def main(argv=None, root: Path = ROOT):
    """`python -m tools.outputs aside FOLDER...`: move every edited file out of the folders (make clean)."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "aside":
        sys.exit("usage: python -m tools.outputs aside FOLDER...")
    for folder in args[1:]:
        outputs = Outputs(root / folder, root)
        for path in outputs.edited():
            outputs.move_aside(path)
        if outputs.moved:
            print(outputs.report("clean"))


if __name__ == "__main__":
    main()
