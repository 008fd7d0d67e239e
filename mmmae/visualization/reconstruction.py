"""Pictures of MAE reconstructions: original / masked / reconstruction rows (frame strips for clips)."""
import os
from pathlib import Path
from typing import Dict, Sequence, Union

import numpy as np
import torch
from PIL import Image


ROWS = ('image', 'masked', 'reconstruction', 'pasted')


def reconstruction_grid(outputs: Dict[str, torch.Tensor], rows: Sequence[str] = ROWS,
                        scale: int = 1, gap: int = 2) -> np.ndarray:
    """``[H', W', 3]`` uint8 grid of what ``MAE.reconstruct`` returns (0-255 RGB).

    Images ``[N, 3, H, W]``: one row per output kind, one column per image. Clips
    ``[N, 3, T, H, W]``: a strip of frames per clip and kind (rows: clip 1's kinds, then clip
    2's, ...; columns: frames).
    """
    tiles = [outputs[name].detach().float().clamp(0, 255).byte().cpu() for name in rows]
    if tiles[0].ndim == 5:  # clips: (clip, kind) rows of frames
        cells = [[clip[:, t] for t in range(clip.shape[1])]
                 for c in range(tiles[0].shape[0]) for clip in (batch[c] for batch in tiles)]
    else:
        cells = [list(batch) for batch in tiles]
    height, width = cells[0][0].shape[-2:]
    tile_h, tile_w = height * scale, width * scale
    columns = len(cells[0])
    grid = np.full((len(cells) * (tile_h + gap) + gap, columns * (tile_w + gap) + gap, 3), 255, np.uint8)
    for r, row in enumerate(cells):
        for c, cell in enumerate(row):
            tile = cell.permute(1, 2, 0).numpy().repeat(scale, axis=0).repeat(scale, axis=1)
            y, x = gap + r * (tile_h + gap), gap + c * (tile_w + gap)
            grid[y:y + tile_h, x:x + tile_w] = tile
    return grid


def save_reconstruction_grid(outputs: Dict[str, torch.Tensor], path: Union[str, os.PathLike],
                             **kwargs) -> Path:
    """Write :func:`reconstruction_grid` as PNG (atomically); return the path."""
    from mmmae.engine.atomic_io import atomic_write  # here: mmmae.engine's hooks import this module
    grid = Image.fromarray(reconstruction_grid(outputs, **kwargs))
    return atomic_write(path, lambda tmp: grid.save(tmp, format='PNG'))


def save_reconstruction_gif(panels: torch.Tensor, path: Union[str, os.PathLike], scale: int = 1,
                            frame_ms: int = 200, gap: int = 2) -> Path:
    """Write the panels of one clip ``[K, 3, T, H, W]`` (0-255 RGB: original, masked,
    reconstruction, ...) as an animated GIF, the panels side by side (atomically); return the
    path."""
    from mmmae.engine.atomic_io import atomic_write
    frames = []
    for t in range(panels.shape[2]):
        strip = {'frame': panels[:, :, t]}  # the K panels of time step t as one grid row
        frames.append(Image.fromarray(reconstruction_grid(strip, rows=('frame',), scale=scale, gap=gap)))
    return atomic_write(path, lambda tmp: frames[0].save(tmp, format='GIF', save_all=True,
                                                         append_images=frames[1:], duration=frame_ms,
                                                         loop=0))
