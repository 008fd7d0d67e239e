"""Pre-norm ViT transformer block (attention + MLP, each with a residual)."""
from typing import Optional, Tuple

import torch
from mmcv.cnn.bricks import DropPath
from torch import nn
from torch.utils.checkpoint import checkpoint

from .attention import Attention
from .selective_recompute import gelu_linear, layer_norm_linear
from .windows import window_merge, window_partition


class Mlp(nn.Module):
    """Two linear layers with GELU: ``fc1`` and ``fc2`` as in timm."""

    def __init__(self, dim: int, hidden_dim: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden_dim)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(x)))


class TransformerBlock(nn.Module):
    """``x + attn(norm1(x))`` then ``x + mlp(norm2(x))``, with optional drop path.

    With ``window_size > 0`` attention runs inside non-overlapping windows of the
    patch grid (ViTDet); ``forward`` then needs the grid ``(h, w)`` of the tokens.
    With ``selective_cp`` backward recomputes the LayerNorm and GELU outputs that the
    linear layers read instead of storing them (one third less activation memory for
    an extra elementwise pass; ``selective_recompute.py``); the first LayerNorm of a
    window-attention block is stored as usual. ``cpu_half_attention``: see ``Attention``.
    """

    def __init__(self, dim: int, num_heads: int, mlp_ratio: float = 4.0,
                 qkv_bias: bool = True, drop_path: float = 0.0, norm_eps: float = 1e-6,
                 rel_pos_grid: Optional[Tuple[int, int]] = None, window_size: int = 0,
                 selective_cp: bool = False, cpu_half_attention: str = 'fp32') -> None:
        super().__init__()
        self.window_size = window_size
        self.selective_cp = selective_cp
        self.norm1 = nn.LayerNorm(dim, eps=norm_eps)
        self.attn = Attention(dim, num_heads, qkv_bias=qkv_bias, rel_pos_grid=rel_pos_grid,
                              cpu_half_attention=cpu_half_attention)
        self.norm2 = nn.LayerNorm(dim, eps=norm_eps)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def forward(self, x: torch.Tensor, grid_hw: Optional[Tuple[int, int]] = None) -> torch.Tensor:
        recompute = self.selective_cp and torch.is_grad_enabled()
        if self.window_size:
            windows, padded = window_partition(self.norm1(x), grid_hw, self.window_size)
            y = window_merge(self.attn(windows), grid_hw, padded, self.window_size)
        elif recompute:
            y = self.attn.attend(layer_norm_linear(x, self.norm1, self.attn.qkv), grid_hw)
        else:
            y = self.attn(self.norm1(x), grid_hw)
        x = x + self.drop_path(y)
        if recompute:
            hidden = layer_norm_linear(x, self.norm2, self.mlp.fc1)
            return x + self.drop_path(gelu_linear(hidden, self.mlp.fc2))
        return x + self.drop_path(self.mlp(self.norm2(x)))


def run_block(block: nn.Module, x: torch.Tensor, *args, with_cp: bool = False) -> torch.Tensor:
    """``block(x, *args)``; with ``with_cp`` (training, autograd on) its activations are not kept
    but recomputed in backward (``torch.utils.checkpoint``, non-reentrant, same RNG draws)."""
    if with_cp and block.training and torch.is_grad_enabled():
        return checkpoint(block, x, *args, use_reentrant=False)
    return block(x, *args)
