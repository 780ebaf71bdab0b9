"""Commit an edition of the book as a branch of its own, and push it: what the Colab button opens.

    python -m tools.publish_edition _build/notebooks notebooks [--push origin]
    python -m tools.publish_edition _build/student student [--push origin]

The branch holds the edition's notebooks at the chapters' paths (chapters/*.ipynb) and what the
Colab install cell and Binder need beside them: the nnbook package, pyproject.toml, README.md
(pyproject's readme) and binder/. Each run makes one new commit without parents (the branch is a
build output, like the Pages site) from a temporary index, so the checkout, its index and its
branches are not touched; `--push REMOTE` force-pushes it to REMOTE's branch. Plain Python and git.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tools.outputs import Outputs

ROOT = Path(__file__).resolve().parents[1]
BESIDE = ["nnbook", "pyproject.toml", "README.md", "binder"]   # what the install cell and Binder need


def git(*args, root: Path, env: dict | None = None) -> str:
    run = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                         env={**os.environ, **(env or {})})
    if run.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {run.stderr.strip()}")
    return run.stdout.strip()


def stage(edition: Path, into: Path, root: Path = ROOT) -> list[str]:
    """Copy the branch's files into `into`; return their paths, sorted. The notebooks are those the
    edition's command wrote in edition/chapters/ (its record, tools/outputs.py), as it wrote them:
    not Jupyter's checkpoints, nor a notebook a person made or changed there."""
    written = Outputs(edition, root)
    notebooks = [edition / name for name in sorted(written.record) if re.fullmatch(r"chapters/[^/]+\.ipynb", name)]
    if not notebooks:
        raise ValueError(f"{edition}/chapters holds no notebook: write the edition first (make notebooks)")
    changed = [str(path) for path in notebooks if not path.exists() or not written.is_ours(path)]
    if changed:
        raise ValueError(f"changed or missing since the edition was written: {', '.join(changed)}: "
                         f"write the edition again (make notebooks, make student)")
    (into / "chapters").mkdir(parents=True)
    for path in notebooks:
        shutil.copyfile(path, into / "chapters" / path.name)
    for name in BESIDE:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif source.is_file():
            shutil.copyfile(source, into / name)
        else:
            raise ValueError(f"{name} is missing from {root}: the edition's install cell needs it")
    return sorted(p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file())


def commit_edition(edition: Path, branch: str, root: Path = ROOT) -> str:
    """A commit (no parent) holding the edition and the files beside it; returns its id."""
    source_commit = git("rev-parse", "--short", "HEAD", root=root)
    git_dir = git("rev-parse", "--absolute-git-dir", root=root)
    with tempfile.TemporaryDirectory() as tmp:
        files, index = Path(tmp) / "files", {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        stage(Path(edition), files, root)
        git("--git-dir", git_dir, "--work-tree", str(files), "add", "--all", "--force", ".", root=files, env=index)
        tree = git("--git-dir", git_dir, "write-tree", root=root, env=index)
    author = {"GIT_AUTHOR_NAME": "nnbook editions", "GIT_AUTHOR_EMAIL": "nnbook-editions@users.noreply.github.com"}
    author |= {"GIT_COMMITTER_NAME": author["GIT_AUTHOR_NAME"], "GIT_COMMITTER_EMAIL": author["GIT_AUTHOR_EMAIL"]}
    message = (f"The {branch} edition, written from {source_commit} by tools/make_notebooks.py\n\n"
               f"Generated: edit the chapters on the main branch, not these notebooks.")
    return git("commit-tree", tree, "-m", message, root=root, env=author)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("edition", type=Path, help="the edition's folder, e.g. _build/notebooks")
    parser.add_argument("branch", help="the branch to publish it on, e.g. notebooks")
    parser.add_argument("--push", metavar="REMOTE", help="force-push the commit to REMOTE's branch")
    args = parser.parse_args(argv)
    try:
        commit = commit_edition(args.edition, args.branch)
        print(f"{args.branch}: commit {commit} holds {args.edition}")
        if args.push:
            git("push", "--force", args.push, f"{commit}:refs/heads/{args.branch}", root=ROOT)
            print(f"{args.branch}: pushed to {args.push}")
    except (ValueError, RuntimeError) as error:
        sys.exit(f"publish_edition: {error}")


if __name__ == "__main__":
    main()
