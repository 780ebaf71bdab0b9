"""Data augmentation on batches of images: random shifts by a few pixels.

Chapter 6 writes ``random_shift`` for flattened digits and explains it; Chapter 8 uses this
version on image batches ``(n, C, H, W)``. Runs on the tensors' device (a GPU when there is one).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from nnbook.checks import check_number


def random_shift(images: torch.Tensor, max_shift: int = 1, fill: float = 0.0) -> torch.Tensor:
    """Move each image by a random whole number of pixels in ``[-max_shift, max_shift]``, across and down.

    images: ``(n, H, W)`` or ``(n, C, H, W)`` tensor; the uncovered border gets the value ``fill``
    (the background, e.g. the normalised value of a blank pixel). Draws from torch's global generator.
    """
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"images must be a torch tensor, got {type(images).__name__}")
    if images.ndim not in (3, 4):
        raise ValueError(f"images must be a tensor of shape (n, H, W) or (n, C, H, W), got {tuple(images.shape)}")
    if isinstance(max_shift, bool) or not isinstance(max_shift, int):
        raise TypeError(f"max_shift must be a non-negative int, got {type(max_shift).__name__} {max_shift!r}")
    if not 0 <= max_shift < min(images.shape[-2:]):
        raise ValueError(f"max_shift must be >= 0 and smaller than the image, got {max_shift}")
    fill = check_number("fill", fill)
    n, (H, W), s, dev = len(images), images.shape[-2:], max_shift, images.device
    X = images.reshape(n, -1, H, W)                            # (n, C, H, W)
    padded = F.pad(X, (s, s, s, s), value=fill)                # (n, C, H + 2s, W + 2s)
    dy = torch.randint(0, 2 * s + 1, (n, 1, 1), device=dev)    # where each window starts
    dx = torch.randint(0, 2 * s + 1, (n, 1, 1), device=dev)
    rows = torch.arange(H, device=dev).view(1, H, 1) + dy      # (n, H, 1)
    cols = torch.arange(W, device=dev).view(1, 1, W) + dx      # (n, 1, W)
    batch = torch.arange(n, device=dev).view(n, 1, 1)
    windows = padded[batch, :, rows, cols]                     # (n, H, W, C): an H x W window each
    return windows.permute(0, 3, 1, 2).reshape(images.shape)
