"""Fixed sine-cosine position embeddings (2-D for images; 1-D, 3-D and factorised for tubelets)
and their resampling."""
import functools
import math
from typing import Optional, Tuple

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


def patch_centres(cells: int, extent: int) -> torch.Tensor:
    """Centres of ``cells`` equal patches spanning what ``extent`` patches span, in units of
    the ``extent`` patches (``0 .. extent - 1`` when ``cells == extent``)."""
    return (torch.arange(cells, dtype=torch.float64) + 0.5) * (extent / cells) - 0.5


def sincos_2d_position_embedding(grid_hw: Tuple[int, int], dim: int, cls_token: bool = True,
                                 extent: Optional[Tuple[int, int]] = None) -> torch.Tensor:
    """Fixed 2-D sin-cos embedding ``[1, (1 +) h*w, dim]`` for a row-major patch grid.

    The first half of the channels encodes the column, the second half the row,
    as in the official MAE code; the cls slot (first row) is zeros.
    Non-square grids are supported. ``extent``: the grid the table was built for, when the
    image is cut into ``grid_hw`` patches instead; positions are then each patch's centre in
    the ``extent`` grid's units, so a position names the same place in the image at every size.
    """
    if dim % 4:
        raise ValueError(f'2-D sin-cos embedding needs a dim divisible by 4, got {dim}')
    height, width = grid_hw
    extent_h, extent_w = extent or grid_hw
    rows, cols = torch.meshgrid(patch_centres(height, extent_h), patch_centres(width, extent_w),
                                indexing='ij')
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


@functools.lru_cache(maxsize=64)
def _sincos_at(grid: Tuple[int, int], extent: Tuple[int, int], dim: int, device: torch.device,
               dtype: torch.dtype) -> torch.Tensor:
    return sincos_2d_position_embedding(grid, dim, extent=extent).to(device, dtype)


def pos_embed_at(pos_embed: torch.Tensor, built_grid: Tuple[int, int], grid: Tuple[int, int],
                 learnt: bool) -> torch.Tensor:
    """A ``[1, 1 + h*w, D]`` table built for ``built_grid`` at the patch grid ``grid``: itself
    at the built grid; else a fixed sin-cos table evaluated exactly at the new patch centres
    (see :func:`sincos_2d_position_embedding`; cached per grid and device), a ``learnt`` one
    interpolated (bicubic)."""
    grid, built_grid = tuple(grid), tuple(built_grid)
    if grid == built_grid:
        return pos_embed
    if learnt:
        return resample_pos_embed(pos_embed, built_grid, grid)
    return _sincos_at(grid, built_grid, pos_embed.shape[-1], pos_embed.device, pos_embed.dtype)


def sinusoid_table(num_positions: int, dim: int) -> torch.Tensor:
    """VideoMAE's fixed 1-D table ``[1, num_positions, dim]`` over the flattened token index:
    channel ``j`` holds ``sin`` (even ``j``) or ``cos`` (odd ``j``) of
    ``position / 10000 ** (2 * (j // 2) / dim)``, interleaved as in the official VideoMAE code and
    transformers' ``VideoMAEModel``."""
    if dim % 2:
        raise ValueError(f'sinusoid table needs an even dim, got {dim}')
    exponent = 2 * (torch.arange(dim, dtype=torch.float64) // 2) / dim
    angles = torch.arange(num_positions, dtype=torch.float64)[:, None] / 10000 ** exponent[None]
    table = torch.where(torch.arange(dim) % 2 == 0, angles.sin(), angles.cos())
    return table.float().unsqueeze(0)


def sincos_3d_position_embedding(grid_thw: Tuple[int, int, int], dim: int) -> torch.Tensor:
    """Fixed 3-D sin-cos embedding ``[1, t*h*w, dim]`` of a ``(t, h, w)``-ordered tubelet grid:
    3/8 of the channels encode the column, 3/8 the row and 1/4 the time step (MAE's 1-D
    sin-cos each), concatenated in that order."""
    if dim % 16:
        raise ValueError(f'3-D sin-cos embedding needs a dim divisible by 16, got {dim}')
    steps, rows, cols = torch.meshgrid(*(torch.arange(n) for n in grid_thw), indexing='ij')
    space = dim // 16 * 6
    return torch.cat([sincos_1d(cols.flatten(), space), sincos_1d(rows.flatten(), space),
                      sincos_1d(steps.flatten(), dim - 2 * space)], 1).float().unsqueeze(0)


def factorised_position_embedding(grid_thw: Tuple[int, int, int], dim: int) -> torch.Tensor:
    """Space and time encoded separately and added, ``[1, t*h*w, dim]``: MAE's 2-D sin-cos of
    the ``(h, w)`` position plus a 1-D sin-cos of the time step, each over every channel."""
    steps, rows, cols = grid_thw
    space = sincos_2d_position_embedding((rows, cols), dim, cls_token=False)[0]
    time = sincos_1d(torch.arange(steps), dim).float()
    return (time[:, None] + space[None]).reshape(1, steps * rows * cols, dim)


POSITION_EMBEDDINGS = dict(sinusoid_1d=lambda grid, dim: sinusoid_table(math.prod(grid), dim),
                           sincos_3d=sincos_3d_position_embedding,
                           factorised=factorised_position_embedding)


def tubelet_position_embedding(kind: str, grid_thw: Tuple[int, int, int], dim: int,
                               num_groups: int = 1) -> torch.Tensor:
    """The fixed positions ``[1, groups*t*h*w, dim]`` of ``kind`` (``'sinusoid_1d'``,
    ``'sincos_3d'`` or ``'factorised'``) for tokens ordered ``(group, t, h, w)``. With band
    groups, as SatMAE does, the last quarter of the channels encodes the group (1-D sin-cos of
    its index) and the rest the tubelet's position."""
    if kind not in POSITION_EMBEDDINGS:
        raise ValueError(f'unknown position embedding {kind!r}; use one of {sorted(POSITION_EMBEDDINGS)}')
    if num_groups == 1:
        return POSITION_EMBEDDINGS[kind](grid_thw, dim)
    group_dim = dim // 4
    positions = POSITION_EMBEDDINGS[kind](grid_thw, dim - group_dim)
    groups = sincos_1d(torch.arange(num_groups), group_dim).float()
    return torch.cat([positions.expand(num_groups, -1, -1),
                      groups[:, None].expand(-1, positions.shape[1], -1)], dim=-1).reshape(1, -1, dim)
