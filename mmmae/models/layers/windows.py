"""Non-overlapping window partition of a token grid (ViTDet's windowed attention)."""
from typing import Tuple

import torch
import torch.nn.functional as F


def window_partition(tokens: torch.Tensor, grid_hw: Tuple[int, int], window: int
                     ) -> Tuple[torch.Tensor, Tuple[int, int]]:
    """``[N, h*w, D]`` -> ``[N * windows, window*window, D]``, zero-padding the grid to a
    multiple of ``window``; returns the windows and the padded grid."""
    n, _, dim = tokens.shape
    height, width = grid_hw
    x = tokens.reshape(n, height, width, dim)
    pad_h, pad_w = (-height) % window, (-width) % window
    if pad_h or pad_w:
        x = F.pad(x, (0, 0, 0, pad_w, 0, pad_h))
    padded = (height + pad_h, width + pad_w)
    x = x.reshape(n, padded[0] // window, window, padded[1] // window, window, dim)
    return x.permute(0, 1, 3, 2, 4, 5).reshape(-1, window * window, dim), padded


def window_merge(windows: torch.Tensor, grid_hw: Tuple[int, int], padded: Tuple[int, int],
                 window: int) -> torch.Tensor:
    """Inverse of :func:`window_partition`: back to ``[N, h*w, D]`` without the padding."""
    dim = windows.shape[-1]
    rows, cols = padded[0] // window, padded[1] // window
    x = windows.reshape(-1, rows, cols, window, window, dim).permute(0, 1, 3, 2, 4, 5)
    x = x.reshape(-1, padded[0], padded[1], dim)[:, :grid_hw[0], :grid_hw[1]]
    return x.reshape(x.shape[0], grid_hw[0] * grid_hw[1], dim)
