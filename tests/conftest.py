"""Shared fixtures: the real MNIST files (tests that need them skip, visibly, when they are
absent) and a machine without a network (so that offline behaviour is tested everywhere)."""

import os
from pathlib import Path
from urllib.error import URLError

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def mnist_root():
    """The folder that holds MNIST/raw, from NNBOOK_DATA or ../shared/data; skip if neither has it."""
    for candidate in (os.environ.get("NNBOOK_DATA"), ROOT.parent / "shared" / "data"):
        if candidate and (Path(candidate) / "MNIST" / "raw" / "t10k-labels-idx1-ubyte").exists():
            return Path(candidate)
    pytest.skip("the raw MNIST files are not available (set NNBOOK_DATA)")


@pytest.fixture
def no_network(monkeypatch):
    """torchvision's MNIST download fails as it does offline, whether or not this machine is online."""
    def offline(url, *args, **kwargs):
        raise URLError(f"no network (simulated by the test) for {url}")

    # torchvision tries each mirror in turn through this function, then raises RuntimeError
    monkeypatch.setattr("torchvision.datasets.mnist.download_and_extract_archive", offline)
