"""Shared fixtures: where the real MNIST files are (skip MNIST tests when they are absent)."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def mnist_root():
    """The folder that holds MNIST/raw, from NNBOOK_DATA or ../shared/data; skip if neither has it."""
    for candidate in (os.environ.get("NNBOOK_DATA"), ROOT.parent / "shared" / "data"):
        if candidate and (Path(candidate) / "MNIST" / "raw" / "t10k-labels-idx1-ubyte").exists():
            return Path(candidate)
    pytest.skip("the raw MNIST files are not available (set NNBOOK_DATA)")
