"""Learnt relative position bias over a patch grid (BEiT / MAE fine-tuning recipe)."""
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn


class RelativePositionBias(nn.Module):
    """One learnt bias per (relative offset, head) for tokens on an ``h x w`` grid.

    ``forward() -> [heads, h*w, h*w]``, added to the attention logits. The table
    starts at zero, so a pretrained encoder computes what it computed without it.
    A checkpoint's table for another grid is resampled (bicubic) when it loads.
    """

    def __init__(self, grid_hw: Tuple[int, int], num_heads: int) -> None:
        super().__init__()
        self.grid_hw = tuple(grid_hw)
        height, width = self.grid_hw
        self.table = nn.Parameter(torch.zeros((2 * height - 1) * (2 * width - 1), num_heads))
        self.register_buffer('index', relative_index(self.grid_hw), persistent=False)

    def forward(self, grid_hw: Optional[Tuple[int, int]] = None) -> torch.Tensor:
        """``[heads, h*w, h*w]`` for the built grid, or for ``grid_hw`` (table resampled)."""
        if grid_hw is None or tuple(grid_hw) == self.grid_hw:
            return self.table[self.index].permute(2, 0, 1)
        table = resample_relative_table(self.table, self.grid_hw, grid_hw)
        return table[relative_index(grid_hw).to(table.device)].permute(2, 0, 1)

    def _load_from_state_dict(self, state_dict: dict, prefix: str, *args, **kwargs) -> None:
        key = prefix + 'table'
        if key in state_dict and state_dict[key].shape != self.table.shape:
            side = int(round(state_dict[key].shape[0] ** 0.5) + 1) // 2
            if (2 * side - 1) ** 2 != state_dict[key].shape[0]:
                raise ValueError(f'{key} with {state_dict[key].shape[0]} rows is not from a '
                                 'square grid; resample it by hand')
            state_dict[key] = resample_relative_table(state_dict[key], (side, side), self.grid_hw)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


def relative_index(grid_hw: Tuple[int, int]) -> torch.Tensor:
    """``[h*w, h*w]`` row of the table for every (query, key) pair of an ``h x w`` grid."""
    height, width = grid_hw
    rows, cols = torch.meshgrid(torch.arange(height), torch.arange(width), indexing='ij')
    coords = torch.stack([rows.flatten(), cols.flatten()])
    offsets = coords[:, :, None] - coords[:, None, :]
    return (offsets[0] + height - 1) * (2 * width - 1) + offsets[1] + width - 1


def resample_relative_table(table: torch.Tensor, old_grid: Tuple[int, int],
                            new_grid: Tuple[int, int]) -> torch.Tensor:
    """A ``[(2h-1)(2w-1), heads]`` table of ``old_grid`` resampled (bicubic) to ``new_grid``."""
    heads = table.shape[1]
    old = (2 * old_grid[0] - 1, 2 * old_grid[1] - 1)
    grid = table.T.reshape(1, heads, *old).float()
    grid = F.interpolate(grid, size=(2 * new_grid[0] - 1, 2 * new_grid[1] - 1), mode='bicubic',
                         align_corners=False)
    return grid.reshape(heads, -1).T.to(table.dtype)
