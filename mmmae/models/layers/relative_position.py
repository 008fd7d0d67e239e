"""Learnt relative position bias over a patch grid (BEiT / MAE fine-tuning recipe)."""
from typing import Tuple

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
        rows, cols = torch.meshgrid(torch.arange(height), torch.arange(width), indexing='ij')
        coords = torch.stack([rows.flatten(), cols.flatten()])
        offsets = coords[:, :, None] - coords[:, None, :]
        index = (offsets[0] + height - 1) * (2 * width - 1) + offsets[1] + width - 1
        self.register_buffer('index', index, persistent=False)

    def forward(self) -> torch.Tensor:
        return self.table[self.index].permute(2, 0, 1)

    def _load_from_state_dict(self, state_dict: dict, prefix: str, *args, **kwargs) -> None:
        key = prefix + 'table'
        if key in state_dict and state_dict[key].shape != self.table.shape:
            state_dict[key] = resample_relative_table(state_dict[key], self.grid_hw)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


def resample_relative_table(table: torch.Tensor, grid_hw: Tuple[int, int]) -> torch.Tensor:
    """A square grid's ``[(2s-1)^2, heads]`` table resampled to ``grid_hw``'s offsets."""
    side = int(round(table.shape[0] ** 0.5))
    if side * side != table.shape[0]:
        raise ValueError(f'relative position table with {table.shape[0]} rows is not from a '
                         'square grid; resample it by hand')
    height, width = grid_hw
    heads = table.shape[1]
    grid = table.T.reshape(1, heads, side, side).float()
    grid = F.interpolate(grid, size=(2 * height - 1, 2 * width - 1), mode='bicubic',
                         align_corners=False)
    return grid.reshape(heads, -1).T.to(table.dtype)
