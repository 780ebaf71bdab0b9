"""The Makefile's set-up: a supported Python, a half-made .venv made again, TORCH=cpu's pip command.

PyTorch's CPU index (download.pytorch.org) is not reachable from every machine that runs the tests,
so TORCH=cpu is tested by the command line `make -n` prints, not by installing."""
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args, cwd=ROOT):
    return subprocess.run(["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def fake_python(tmp_path, version):
    """An interpreter that claims to be Python `version` (it runs this one with sys.version_info changed)."""
    path = tmp_path / "python"
    path.write_text(f"#!{sys.executable}\nimport sys\nsys.version_info = {version!r}\nexec(sys.argv[2])\n")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize("version", [(3, 10, 14), (3, 14, 0)])
def test_an_unsupported_python_is_refused_with_the_versions_to_use(tmp_path, version):
    # before a .venv is made: the message names the Pythons the book is tested on and Colab's
    result = make("venv", f"VENV={tmp_path / 'venv'}", f"PYTHON={fake_python(tmp_path, version)}")
    assert result.returncode != 0
    assert (f"is Python {version[0]}.{version[1]}: the book needs Python 3.11, 3.12 or 3.13 (Colab runs 3.12)"
            in result.stderr)
    assert not (tmp_path / "venv").exists()


@pytest.mark.slow   # makes a real venv with pip (make test runs it; make test-fast does not)
def test_a_half_made_venv_is_made_again(tmp_path):
    # a .venv without pip (an interrupted `python -m venv`) no longer fails every make: it is made again
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    result = make("venv", f"VENV={venv}", f"PYTHON={sys.executable}")
    assert result.returncode == 0, result.stderr
    assert "has no working pip: making it again" in result.stdout
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "--version"], check=True, capture_output=True)


def torch_specs_in_pyproject():
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return [spec for spec in dependencies if re.match(r"(torch|torchvision)\b", spec)]


def test_torch_cpu_installs_pytorchs_cpu_build_first(tmp_path):
    # TORCH=cpu: torch and torchvision, in pyproject.toml's ranges, from PyTorch's CPU-only index,
    # before requirements.txt (which then finds them installed); without it, no such line
    lines = make("-n", "-W", "requirements.txt", "install", "TORCH=cpu", f"VENV={tmp_path / 'v'}").stdout.splitlines()
    cpu = [i for i, line in enumerate(lines) if "--index-url https://download.pytorch.org/whl/cpu" in line]
    requirements = [i for i, line in enumerate(lines) if "pip install --quiet -r requirements.txt" in line]
    assert len(cpu) == 1 and len(requirements) == 1 and cpu[0] < requirements[0], lines
    assert re.findall(r"'([^']+)'", lines[cpu[0]]) == torch_specs_in_pyproject()
    plain = make("-n", "-W", "requirements.txt", "install", f"VENV={tmp_path / 'v'}").stdout
    assert "download.pytorch.org" not in plain and "pip install --quiet -r requirements.txt" in plain


def test_torch_takes_only_cpu():
    result = make("-n", "install", "TORCH=gpu")
    assert result.returncode != 0 and "TORCH must be cpu or left unset (PyPI's torch), got 'gpu'" in result.stderr
