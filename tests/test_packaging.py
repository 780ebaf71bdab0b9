"""The package as Colab installs it: `pip install "nnbook @ git+URL"` builds a wheel and installs
that, not the checkout. Every module and file under nnbook/ must be in the wheel (a hand-written
package list once left nnbook/exercises out, and every answer check failed in Colab)."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def package_files():
    """Every file of the package in the checkout, as a path inside the wheel (nnbook/...)."""
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "nnbook").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    # build from a copy, as pip does from a clone: the checkout gets no build/ or .egg-info folders
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "nnbook", src / "nnbook", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    # --no-build-isolation: setuptools comes from the environment (requirements.txt), so the test
    # needs no network; Colab's pip uses an isolated build with the same setuptools requirement
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(src)], check=True)
    (path,) = out.glob("nnbook-*.whl")
    return path


@pytest.mark.slow   # builds a wheel with pip (make test runs it; make test-fast does not)
def test_the_wheel_holds_every_file_of_the_package(wheel):
    files = package_files()
    assert "nnbook/exercises/__init__.py" in files and len(files) > 10   # the test looks where it should
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = {name for name in archive.namelist() if name.startswith("nnbook/")}
    missing = sorted(files - in_wheel)
    assert not missing, f"not in the wheel, so missing in Colab: {missing} (pyproject.toml: packages.find)"


@pytest.mark.slow   # builds a wheel with pip (make test runs it; make test-fast does not)
def test_the_wheel_declares_what_pyproject_declares(wheel):
    # Colab installs these and nothing else: the wheel's metadata must list every dependency
    import tomllib
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        requires = [line.split(":", 1)[1].strip() for line in archive.read(metadata).decode().splitlines()
                    if line.startswith("Requires-Dist:")]
    names = lambda specs: {s.split(";")[0].replace(" ", "").split(">")[0].split("<")[0].split("=")[0].lower()
                           for s in specs}
    assert names(requires) == names(declared)
