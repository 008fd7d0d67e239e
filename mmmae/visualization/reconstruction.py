"""Pictures of MAE reconstructions: original / masked / reconstruction rows."""
import os
from pathlib import Path
from typing import Dict, Sequence, Union

import numpy as np
import torch
from PIL import Image


ROWS = ('image', 'masked', 'reconstruction', 'pasted')


def reconstruction_grid(outputs: Dict[str, torch.Tensor], rows: Sequence[str] = ROWS,
                        scale: int = 1, gap: int = 2) -> np.ndarray:
    """``[H', W', 3]`` uint8 grid: one row per output kind, one column per image.

    ``outputs`` is what ``MAE.reconstruct`` returns (``[N, 3, H, W]``, 0-255 RGB).
    """
    tiles = [outputs[name].detach().float().clamp(0, 255).byte().cpu() for name in rows]
    n, _, height, width = tiles[0].shape
    tile_h, tile_w = height * scale, width * scale
    grid = np.full((len(rows) * (tile_h + gap) + gap, n * (tile_w + gap) + gap, 3), 255, np.uint8)
    for r, batch in enumerate(tiles):
        for c in range(n):
            tile = batch[c].permute(1, 2, 0).numpy()
            tile = tile.repeat(scale, axis=0).repeat(scale, axis=1)
            y, x = gap + r * (tile_h + gap), gap + c * (tile_w + gap)
            grid[y:y + tile_h, x:x + tile_w] = tile
    return grid


def save_reconstruction_grid(outputs: Dict[str, torch.Tensor], path: Union[str, os.PathLike],
                             **kwargs) -> Path:
    """Write :func:`reconstruction_grid` as PNG (atomically); return the path."""
    from mmmae.engine.atomic_io import atomic_write  # here: mmmae.engine's hooks import this module
    grid = Image.fromarray(reconstruction_grid(outputs, **kwargs))
    return atomic_write(path, lambda tmp: grid.save(tmp, format='PNG'))
