"""Tests of nnbook.reproducibility: seeding every generator, choosing the device."""

import random

import numpy as np
import pytest
import torch

from nnbook.reproducibility import get_device, seed_everything


def test_seed_everything_makes_every_generator_repeat():
    # the same seed gives the same draws from python, numpy (global and returned rng) and torch
    draws = []
    for _ in range(2):
        rng = seed_everything(123)
        draws.append((random.random(), np.random.rand(), rng.random(), torch.rand(1).item()))
    assert draws[0] == draws[1]


def test_seed_everything_different_seeds_differ():
    # different seeds give different torch draws
    seed_everything(1)
    a = torch.rand(3)
    seed_everything(2)
    assert not torch.equal(a, torch.rand(3))


@pytest.mark.parametrize("seed, error, match", [
    (1.5, TypeError, "seed must be an int, got float"),
    ("7", TypeError, "seed must be an int, got str"),
    (None, TypeError, "seed must be an int, got NoneType"),
    (True, TypeError, "seed must be an int, got bool"),
    (-1, ValueError, r"seed must be in \[0, 2\*\*32\), got -1"),
    (2**32, ValueError, r"seed must be in \[0, 2\*\*32\)"),
])
def test_seed_everything_rejects_bad_seeds(seed, error, match):
    # a seed is an int that NumPy accepts, in [0, 2**32)
    with pytest.raises(error, match=match):
        seed_everything(seed)


def test_get_device_gives_a_usable_device():
    # the chosen device (a GPU when there is one) can hold a tensor and compute with it
    device = get_device()
    assert (torch.ones(2, device=device) * 2).sum().item() == 4


def test_get_device_cpu_on_request():
    # asking for the CPU always works
    assert get_device("cpu") == torch.device("cpu")


@pytest.mark.parametrize("prefer, error, match", [
    ("tpu", ValueError, r"unknown prefer 'tpu'; choose one of \['cpu', 'cuda'\]"),
    (0, TypeError, "prefer must be one of"),
    pytest.param("cuda", ValueError, "no CUDA device", marks=pytest.mark.skipif(
        torch.cuda.is_available(), reason="this machine has a GPU")),
])
def test_get_device_rejects_bad_requests(prefer, error, match):
    # only None, 'cpu' and 'cuda' are understood; a GPU that is not there fails loudly, not silently on the CPU
    with pytest.raises(error, match=match):
        get_device(prefer)


def test_deterministic_flag_turns_on_deterministic_kernels():
    # seed_everything(deterministic=True) asks torch for deterministic kernels; the default leaves them alone
    before = torch.are_deterministic_algorithms_enabled()
    try:
        seed_everything(0)
        assert torch.are_deterministic_algorithms_enabled() == before
        seed_everything(0, deterministic=True)
        assert torch.are_deterministic_algorithms_enabled() and not torch.backends.cudnn.benchmark
    finally:
        torch.use_deterministic_algorithms(before)
