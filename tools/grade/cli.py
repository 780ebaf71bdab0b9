"""The command line: python -m tools.grade FOLDER (make grade SUBMISSIONS=FOLDER)."""
import argparse
import re
import sys
from pathlib import Path

from tools.grade.folder import FEEDBACK, GRADES, TIMEOUT, grade_folder, summary
from tools.grade.kernel import SANDBOX_MODES, SandboxError, find_sandbox


def parse_memory(text):
    """'3GB', '1.5G', '512M', '0' (no limit) -> bytes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", str(text), re.I)
    if not match:
        raise ValueError(f"memory must be a size such as 3GB or 512MB (0: no limit), got {text!r}")
    return int(float(match.group(1)) * 1024 ** " kmgt".index(match.group(2).lower() or " "))


def main(argv=None):
    import tools.grade
    parser = argparse.ArgumentParser(prog="python -m tools.grade", description=tools.grade.__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="the folder of submitted notebooks (searched recursively)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT,
                        help=f"seconds per exercise and per set-up cell (default {TIMEOUT})")
    parser.add_argument("--memory", default="3GB", help="memory per kernel process, e.g. 3GB; 0 for no limit")
    parser.add_argument("--chapter", help="the assigned chapter (e.g. 05_mnist_mlp_vs_logreg): "
                                          "a notebook of another chapter gets one row saying so")
    parser.add_argument("--regrade", action="store_true", help="grade every notebook again")
    parser.add_argument("--jobs", type=int, default=None,
                        help="notebooks graded at once, each in its own kernel (default: the number of cores)")
    parser.add_argument("--sandbox", default="auto", choices=SANDBOX_MODES,
                        help="auto: bubblewrap where it works, else warn and grade unsandboxed; "
                             "require: refuse to grade without it; off: no sandbox")
    args = parser.parse_args(argv)
    try:
        sandbox = find_sandbox(args.sandbox, hide=[args.folder])
    except SandboxError as error:
        sys.exit(f"grade: {error}. Install bubblewrap (apt-get install bubblewrap), or grade with SANDBOX=auto")
    print(sandbox.announcement(), flush=True)            # the first line, loud when there is no sandbox
    try:
        rows = grade_folder(args.folder, args.timeout, parse_memory(args.memory), args.chapter, args.regrade,
                            sandbox=sandbox, jobs=args.jobs)
    except ValueError as error:
        parser.error(str(error))
    print(summary(rows) if rows else f"no notebooks (*.ipynb) in {args.folder}")
    print(f"\n{len(rows)} row{'s' * (len(rows) != 1)} in {Path(args.folder) / GRADES}; "
          f"feedback in {Path(args.folder) / FEEDBACK}/")
    print(sandbox.announcement())
