"""Fixed 2-D sine-cosine position embeddings and their resampling."""
from typing import Tuple

import torch
import torch.nn.functional as F


def sincos_1d(positions: torch.Tensor, dim: int) -> torch.Tensor:
    """``[M]`` positions to ``[M, dim]``: sines then cosines of geometric frequencies."""
    if dim % 2:
        raise ValueError(f'sin-cos embedding needs an even dim, got {dim}')
    omega = torch.arange(dim // 2, dtype=torch.float64) / (dim / 2.0)
    omega = 1.0 / 10000**omega
    angles = positions.double()[:, None] * omega[None, :]
    return torch.cat([angles.sin(), angles.cos()], dim=1)


def sincos_2d_position_embedding(grid_hw: Tuple[int, int], dim: int,
                                 cls_token: bool = True) -> torch.Tensor:
    """Fixed 2-D sin-cos embedding ``[1, (1 +) h*w, dim]`` for a row-major patch grid.

    The first half of the channels encodes the column, the second half the row,
    as in the official MAE code; the cls slot (first row) is zeros.
    Non-square grids are supported.
    """
    if dim % 4:
        raise ValueError(f'2-D sin-cos embedding needs a dim divisible by 4, got {dim}')
    height, width = grid_hw
    rows, cols = torch.meshgrid(torch.arange(height), torch.arange(width), indexing='ij')
    emb = torch.cat([sincos_1d(cols.flatten(), dim // 2), sincos_1d(rows.flatten(), dim // 2)], 1)
    if cls_token:
        emb = torch.cat([torch.zeros(1, dim, dtype=emb.dtype), emb], dim=0)
    return emb.float().unsqueeze(0)


def resample_pos_embed(pos_embed: torch.Tensor, old_grid: Tuple[int, int],
                       new_grid: Tuple[int, int], num_prefix_tokens: int = 1,
                       mode: str = 'bicubic') -> torch.Tensor:
    """Interpolate a ``[1, prefix + h*w, D]`` embedding from ``old_grid`` to ``new_grid``."""
    if tuple(old_grid) == tuple(new_grid):
        return pos_embed
    prefix, grid = pos_embed[:, :num_prefix_tokens], pos_embed[:, num_prefix_tokens:]
    if grid.shape[1] != old_grid[0] * old_grid[1]:
        raise ValueError(f'position embedding has {grid.shape[1]} grid tokens, '
                         f'not {old_grid[0]}x{old_grid[1]}')
    dim = grid.shape[-1]
    grid = grid.reshape(1, *old_grid, dim).permute(0, 3, 1, 2).float()
    grid = F.interpolate(grid, size=tuple(new_grid), mode=mode, align_corners=False)
    grid = grid.permute(0, 2, 3, 1).reshape(1, -1, dim).to(pos_embed.dtype)
    return torch.cat([prefix, grid], dim=1)
