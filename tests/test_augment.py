"""Tests of nnbook.augment.random_shift: shifted copies, background borders, bad input."""

import pytest
import torch

from nnbook.augment import random_shift


def test_no_shift_changes_nothing():
    # max_shift=0 returns the images as they are
    images = torch.randn(4, 1, 6, 6)
    assert torch.equal(random_shift(images, max_shift=0), images)


@pytest.mark.parametrize("shape", [(16, 7, 7), (16, 2, 7, 7)])
def test_every_image_is_a_shifted_copy_with_filled_border(shape):
    # each output equals its input moved by (a, b) with |a|, |b| <= 2, the border filled with `fill`
    torch.manual_seed(0)
    images = torch.rand(shape) + 1.0  # all pixels >= 1, so the fill value -5 is recognisable
    out = random_shift(images, max_shift=2, fill=-5.0)
    H, W = shape[-2:]
    seen = set()
    for original, moved in zip(images, out):
        matches = []
        for a in range(-2, 3):
            for b in range(-2, 3):
                expected = torch.full_like(original, -5.0)
                src = original[..., max(0, -a):H - max(0, a), max(0, -b):W - max(0, b)]
                expected[..., max(0, a):H - max(0, -a), max(0, b):W - max(0, -b)] = src
                if torch.equal(moved, expected):
                    matches.append((a, b))
        assert len(matches) == 1, matches
        seen.add(matches[0])
    assert len(seen) > 5  # the shifts really vary from image to image


def test_same_seed_same_shifts():
    # the shifts come from torch's global generator: seeding it repeats them
    images = torch.randn(8, 1, 5, 5)
    torch.manual_seed(1)
    first = random_shift(images, 1)
    torch.manual_seed(1)
    assert torch.equal(first, random_shift(images, 1))


@pytest.mark.parametrize("call, error, message", [
    (lambda: random_shift(torch.zeros(4, 784)), ValueError, r"images must be a tensor of shape \(n, H, W\) or \(n, C, H, W\), got \(4, 784\)"),
    (lambda: random_shift([[0.0]]), TypeError, "images must be a torch tensor, got list"),
    (lambda: random_shift(torch.zeros(2, 5, 5), max_shift=-1), ValueError, "max_shift must be >= 0 and smaller than the image, got -1"),
    (lambda: random_shift(torch.zeros(2, 5, 5), max_shift=5), ValueError, "got 5"),
    (lambda: random_shift(torch.zeros(2, 5, 5), max_shift=1.5), TypeError, "max_shift must be a non-negative int, got float"),
    (lambda: random_shift(torch.zeros(2, 5, 5), fill="black"), TypeError, "fill must be a number"),
])
def test_bad_input_names_the_rule_and_the_value(call, error, message):
    # a flat batch, a negative or too large shift, a non-number fill
    with pytest.raises(error, match=message):
        call()
