#!/usr/bin/env bash
# The Colab path (make test-colab): nnbook installed the way each chapter's hidden first cell
# installs it in Colab, then chapters run against that install.
#
#   - a new virtual environment outside the checkout, holding only nnbook, the dependencies its
#     pyproject.toml declares, and the harness Colab itself has (ipykernel) or the test needs
#     (pytest, nbval);
#   - nnbook installed from a copy of the package as a normal (non-editable) wheel, as
#     `pip install "nnbook @ git+URL"` does;
#   - every nnbook module imported, then the chapters given as arguments (default: chapters 1-4,
#     which need no MNIST) run under nbval from a folder outside the checkout, so the checkout's
#     nnbook/ folder cannot be what they import. By default each chapter runs as Colab opens it:
#     its reader's edition (_build/notebooks/chapters, `make notebooks`) when that is newer than
#     the chapter, else the chapter itself. The editions' hidden checks warn instead of raising
#     ("nnbook check failed: ..."); here those warnings are errors, so a failed check still fails.
# COLAB_PYTHON picks the interpreter (default python3); COLAB_KEEP=1 keeps the folder.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${COLAB_PYTHON:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/nnbook-colab.XXXXXX")"
if [ "${COLAB_KEEP:-0}" != 1 ]; then trap 'rm -rf "$WORK"' EXIT; fi
if [ $# -eq 0 ]; then
  for chapter in "$ROOT"/chapters/0[1-4]_*.ipynb; do
    edition="$ROOT/_build/notebooks/chapters/$(basename "$chapter")"
    if [ -f "$edition" ] && [ "$edition" -nt "$chapter" ]; then
      set -- "$@" "$edition"
    else
      set -- "$@" "$chapter"
    fi
  done
fi
for notebook in "$@"; do echo "colab path: will run ${notebook#"$ROOT"/}"; done
start=$SECONDS

echo "colab path: $($PYTHON --version) in $WORK"
"$PYTHON" -m venv "$WORK/venv"
PY="$WORK/venv/bin/python"
"$PY" -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true

# the package as git would hand it to pip: the files a clone holds, none of the checkout's build debris
mkdir -p "$WORK/src"
cp "$ROOT/pyproject.toml" "$ROOT/README.md" "$WORK/src/"
cp -r "$ROOT/nnbook" "$WORK/src/nnbook"
find "$WORK/src" -name __pycache__ -prune -exec rm -rf {} +
# non-editable, as Colab; pip's own isolated build, as Colab
"$PY" -m pip install --quiet "$WORK/src" 2>&1 | grep -v "^WARNING: Location" || true
"$PY" -m pip install --quiet "ipykernel>=6.20,<8" "pytest>=7.4,<10" "nbval>=0.10,<1" 2>&1 \
  | grep -v "^WARNING: Location" || true
echo "colab path: installed in $((SECONDS - start)) s"

mkdir -p "$WORK/run/chapters"
cd "$WORK/run"
"$PY" - "$ROOT" <<'PYTHON'
import importlib, pkgutil, sys
from pathlib import Path
import nnbook
root = Path(sys.argv[1]).resolve()
where = Path(nnbook.__file__).resolve()
if root in where.parents or "site-packages" not in where.parts:
    sys.exit(f"FAIL: nnbook was imported from {where}, not from the installed wheel")
names = [m.name for m in pkgutil.walk_packages(nnbook.__path__, "nnbook.")]
for name in names:
    importlib.import_module(name)
on_disk = sorted(p.relative_to(root).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
                 for p in (root / "nnbook").rglob("*.py") if "__pycache__" not in p.parts)
missing = sorted(set(on_disk) - set(names) - {"nnbook"})
if missing:
    sys.exit(f"FAIL: modules of the checkout missing from the install: {missing}")
print(f"colab path: {len(names)} modules import from {where.parent}")
PYTHON

cp "$@" chapters/
# no ini file here: pytest's rootdir is this folder; the chapters' hidden checks run as in the build
PYTHONWARNINGS="error:nnbook check failed" \
  "$PY" -m pytest -q -p no:cacheprovider --nbval-lax --nbval-current-env chapters
echo "colab path: passed in $((SECONDS - start)) s"
