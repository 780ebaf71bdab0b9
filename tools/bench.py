"""Benchmark the book: run every chapter in a fresh kernel, one by one, and record
its wall-clock time and the headline numbers its results cell reports.

Writes bench/results.json and prints the same as a table. A benchmark, not a test: no
time limit fails it, but a chapter that raises, or that records no results (no
``report(...)`` call), does (exit code 1). A cell may run as long as the book build allows
(``execute: timeout:`` in _config.yml). Kernels talk to the bench over local IPC sockets,
not TCP, so their logs carry no "running over TCP without encryption" warning.
Usage: python -m tools.bench [chapters/03_backpropagation.ipynb ...]
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

from tools.book import chapters
from nbclient import NotebookClient
from nnbook.files import write_atomically
from nnbook.results import target_met
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]


def cell_timeout(config_path: Path = ROOT / "_config.yml") -> int:
    """Seconds a cell may run: the book build's ``execute: timeout:``, so bench and build agree."""
    config = yaml.safe_load(config_path.read_text())
    timeout = (config.get("execute") or {}).get("timeout")
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
        raise ValueError(f"{config_path} must set execute: timeout: to a positive number of seconds, got {timeout!r}")
    return timeout


def describe(error: BaseException) -> str:
    """The error's type and the last line of its message (the message may be empty)."""
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[-1][:300]}" if lines else type(error).__name__


def kernel_config(socket_dir: str) -> Config:
    """Local IPC sockets in ``socket_dir`` instead of TCP ports (where the OS has them): nothing
    leaves the machine, and the kernel has no reason to warn that its TCP traffic is unencrypted.
    The path is absolute because the kernel runs in the notebook's folder, not in ours."""
    if os.name == "nt":
        return Config()
    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(socket_dir, "kernel")}})


def run_chapter(path: Path, results_dir: Path, timeout: int) -> dict:
    """Execute one notebook in a fresh python3 kernel; return seconds, status and reported numbers.

    timeout: seconds a single cell may run. The chapter fails ("error") when a cell raises
    or when it saves no results under its own name (``report("<file name>", ...)``).
    """
    notebook = nbformat.read(path, as_version=4)
    saved = results_dir / f"{path.stem}.json"
    saved.unlink(missing_ok=True)  # an earlier run's file must not pass for this run's results
    previous = os.environ.get("NNBOOK_RESULTS_DIR")
    os.environ["NNBOOK_RESULTS_DIR"] = str(results_dir)  # the kernel inherits this environment
    start = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="nnbook-kernel-") as socket_dir:
            client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                    config=kernel_config(socket_dir),
                                    resources={"metadata": {"path": str(path.parent)}})
            client.execute()
        status, error = "ok", None
    except Exception as exc:  # a failing cell: record it, carry on with the other chapters
        status, error = "error", describe(exc)
    finally:
        if previous is None:
            os.environ.pop("NNBOOK_RESULTS_DIR", None)
        else:
            os.environ["NNBOOK_RESULTS_DIR"] = previous
    seconds = time.perf_counter() - start
    results = json.loads(saved.read_text())["results"] if saved.exists() else []
    if status == "ok" and not results:
        status, error = "error", f"recorded no results: no report({path.stem!r}, ...) wrote {saved.name}"
    missed = [f"{row['name']} = {row['value']:g} (target {row['target']})"
              for row in results if row.get("target") and not target_met(row["value"], row["target"])]
    if status == "ok" and missed:
        status, error = "missed target", "; ".join(missed)
    return {"seconds": round(seconds, 1), "status": status, "error": error, "results": results}


def machine() -> dict:
    import numpy
    import torch

    return {"platform": platform.platform(), "python": platform.python_version(),
            "cpu_count": os.cpu_count(), "numpy": numpy.__version__, "torch": torch.__version__,
            "cuda": torch.cuda.is_available(), "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}


def format_value(row: dict) -> str:
    value, unit = row["value"], row.get("unit") or ""
    if isinstance(value, int):
        text = f"{value:,}"
    elif unit == "%":
        text = f"{value:.2f}"
    else:
        text = f"{value:.4g}"
    return f"{text}{unit}" if unit in ("%", "×") else f"{text} {unit}".rstrip()


def print_table(report: dict) -> None:
    for name, chapter in report["chapters"].items():
        print(f"\n{name}: {chapter['seconds']:.1f} s  [{chapter['status']}]" +
              (f"  {chapter['error']}" if chapter["error"] else ""))
        for row in chapter["results"]:
            reference = row.get("reference")
            ref = "" if reference is None else f"   reference {reference}{row.get('unit') or ''}" \
                if not isinstance(reference, str) else f"   reference {reference}"
            target = f"   target {row['target']}" if row.get("target") else ""
            print(f"    {row['name']:<58} {format_value(row):>14}{ref}{target}")
    total = sum(c["seconds"] for c in report["chapters"].values())
    print(f"\nall chapters: {total:.1f} s")


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or chapters()
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    timeout = cell_timeout()
    report = {"machine": machine(), "chapters": {}}
    # make bench: _build/bench-results, kept, so that a chapter benched alone finds the results of
    # the earlier chapters it reads (nnbook.reads_results); otherwise a folder for this run only
    keep = os.environ.get("NNBOOK_RESULTS_DIR")
    with tempfile.TemporaryDirectory(prefix="nnbook-bench-") as tmp:
        results_dir = Path(keep) if keep else Path(tmp)
        results_dir.mkdir(parents=True, exist_ok=True)
        for path in paths:
            print(f"running {path.name} ...", flush=True)
            report["chapters"][path.stem] = run_chapter(path, results_dir, timeout)
    out = ROOT / "bench" / "results.json"
    out.parent.mkdir(exist_ok=True)
    write_atomically(out, json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0 if all(c["status"] == "ok" for c in report["chapters"].values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
