"""Keep the book's execution cache honest about chapters that show other chapters' results.

    python -m tools.stale_readers before CACHE RESULTS READ_ALL    (make book, before jupyter-book build)
    python -m tools.stale_readers after CACHE RESULTS              (after it, whether or not it succeeded)

Jupyter Book's execution cache (CACHE, _build/.jupyter_cache) keys a chapter on its code cells only.
A chapter that shows an earlier chapter's recorded numbers (nnbook.results.recorded_results) lists
that chapter in its notebook metadata, `"nnbook": {"reads_results": ["05_mnist_mlp_vs_logreg"]}`; its
page must be computed again whenever the chapter it reads runs again, or it keeps the old numbers.

before: going through the chapters in reading order, a chapter will run when the cache holds no
execution of its code cells. A reader will run, too, when a chapter it reads will run, or when the
results it read at its cached execution (their digest, stored by `after`) differ from those in
RESULTS now; a chapter it reads that has left no results in RESULTS runs again. The cached
executions of the chapters that must run again are removed, and the file READ_ALL is created: the
Makefile then builds with --all, because Sphinx reads (and so executes) only pages whose source
changed. The build reads pages in sorted order, so a chapter runs before the readers that follow it
(tests/test_results_flow.py checks that every reader reads only chapters sorted before it).
after: stores, for each reader's cached execution, the digest of the results it read.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import nbformat

from nnbook.files import write_atomically
from tools.book import chapters

STAMPS = ".nnbook-reads.json"  # beside the cache: {cache record hashkey: digest of what it read}


def reads(notebook) -> list[str]:
    """The chapters whose results a notebook reads (its metadata nnbook.reads_results)."""
    return list(notebook.metadata.get("nnbook", {}).get("reads_results", []))


def digest(results: Path, names: list[str]) -> str:
    """One hash of the rows the chapters `names` recorded in `results` (not their time stamps)."""
    parts = []
    for name in names:
        path = results / f"{name}.json"
        parts.append(json.loads(path.read_text())["results"] if path.is_file() else None)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def cache_record(cache, notebook):
    """The cached execution of the notebook's current code, or None."""
    if cache is None:
        return None
    try:
        return cache.match_cache_notebook(notebook)
    except KeyError:
        return None


def open_cache(folder: Path):
    if not folder.is_dir():
        return None
    from jupyter_cache import get_cache
    return get_cache(folder)


def stamps_file(cache_folder: Path) -> Path:
    return cache_folder.parent / STAMPS


def before(cache_folder: Path, results: Path, read_all: Path, root: Path | None = None) -> list[str]:
    """Remove the cached executions that must run again; return their chapter names."""
    cache = open_cache(cache_folder)
    stamps = json.loads(stamps_file(cache_folder).read_text()) if stamps_file(cache_folder).is_file() else {}
    notebooks = {path.stem: nbformat.read(path, as_version=4) for path in chapters(*([root] if root else []))}
    records = {name: cache_record(cache, nb) for name, nb in notebooks.items()}
    will_run = {name: record is None for name, record in records.items()}
    why = {name: "its code is not in the cache" for name, run in will_run.items() if run}
    for name, nb in notebooks.items():  # reading order: a chapter comes before its readers
        read = reads(nb)
        for source in read:
            if source in will_run and not will_run[source] and not (results / f"{source}.json").is_file():
                will_run[source], why[source] = True, f"{name} reads its results and there are none in {results}"
        if not read or will_run[name]:
            continue
        if any(will_run.get(source) for source in read):
            will_run[name], why[name] = True, f"it reads {[s for s in read if will_run.get(s)]}, which run again"
        elif stamps.get(records[name].hashkey) != digest(results, read):
            will_run[name], why[name] = True, f"the results of {read} changed since it ran"
    again = [name for name, run in will_run.items() if run and records[name] is not None]
    for name in again:
        stamps.pop(records[name].hashkey, None)  # its next execution reads the results anew
        cache.remove_cache(records[name].pk)
        print(f"stale_readers: {name} runs again: {why[name]}", file=sys.stderr)
    if stamps_file(cache_folder).is_file():
        write_atomically(stamps_file(cache_folder), json.dumps(stamps, indent=1, sort_keys=True) + "\n")
    if again:
        read_all.parent.mkdir(parents=True, exist_ok=True)
        read_all.touch()
    return again


def after(cache_folder: Path, results: Path, root: Path | None = None) -> None:
    """Store the digest of what each newly cached reader read (before runs it again when they differ)."""
    cache = open_cache(cache_folder)
    if cache is None:
        return
    path = stamps_file(cache_folder)
    stamps = json.loads(path.read_text()) if path.is_file() else {}
    kept = {}
    for notebook_path in chapters(*([root] if root else [])):
        nb = nbformat.read(notebook_path, as_version=4)
        record = cache_record(cache, nb)
        if reads(nb) and record is not None:
            kept[record.hashkey] = stamps.get(record.hashkey) or digest(results, reads(nb))
    write_atomically(path, json.dumps(kept, indent=1, sort_keys=True) + "\n")


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[0] == "before":
        before(Path(argv[1]), Path(argv[2]), Path(argv[3]))
    elif len(argv) == 3 and argv[0] == "after":
        after(Path(argv[1]), Path(argv[2]))
    else:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
