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


@pytest.mark.parametrize("bad", [1.5, "7", None, True])
def test_seed_everything_rejects_non_int(bad):
    # a seed that is not an integer is a TypeError naming the value
    with pytest.raises(TypeError, match="seed must be an int"):
        seed_everything(bad)


@pytest.mark.parametrize("bad", [-1, 2**32])
def test_seed_everything_rejects_out_of_range(bad):
    # numpy accepts only seeds in [0, 2**32)
    with pytest.raises(ValueError, match=r"seed must be in \[0, 2\*\*32\)"):
        seed_everything(bad)


def test_get_device_matches_cuda_availability():
    # the default device is CUDA exactly when CUDA is available
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert get_device().type == expected


def test_get_device_cpu_on_request():
    # asking for the CPU always works
    assert get_device("cpu") == torch.device("cpu")


def test_get_device_rejects_unknown_name():
    # only None, 'cpu' and 'cuda' are understood
    with pytest.raises(ValueError, match="prefer must be None, 'cpu' or 'cuda', got 'tpu'"):
        get_device("tpu")


def test_get_device_rejects_non_string():
    # a number is not a device name
    with pytest.raises(TypeError, match="prefer must be None or a string"):
        get_device(0)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_get_device_cuda_without_gpu_is_an_error():
    # asking for a GPU that is not there fails loudly instead of silently using the CPU
    with pytest.raises(ValueError, match="no CUDA device"):
        get_device("cuda")
