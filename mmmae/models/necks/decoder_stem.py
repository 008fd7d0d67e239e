"""The parts every MAE pixel decoder has around its blocks, and the image decoders' positions."""
from typing import Optional, Tuple, Union

import torch
from mmengine.model import BaseModule
from torch import nn

from mmmae.utils.misc import to_2tuple
from ..layers import init_mae_weights, pos_embed_at, sincos_2d_position_embedding


class DecoderStem(BaseModule):
    """What every MAE decoder has, named as in the official MAE code: ``decoder_embed`` (the
    encoder's width to the decoder's) and ``mask_token`` here; ``decoder_norm`` and
    ``decoder_pred`` (the values of one patch) from :meth:`add_prediction`, which a subclass
    calls once its positions and blocks exist, so that parameters keep the official order
    (optimizer states and old checkpoints rely on it). Initialised as the MAE code does."""

    def __init__(self, embed_dim: int, decoder_embed_dim: int, embed_bias: bool = True,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.decoder_embed = nn.Linear(embed_dim, decoder_embed_dim, bias=embed_bias)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, decoder_embed_dim))

    def add_prediction(self, values_per_patch: int, norm_eps: float) -> None:
        """The final LayerNorm and the pixel prediction; then the MAE init of every part."""
        width = self.mask_token.shape[-1]
        self.decoder_norm = nn.LayerNorm(width, eps=norm_eps)
        self.decoder_pred = nn.Linear(width, values_per_patch)
        init_mae_weights(self)
        nn.init.normal_(self.mask_token, std=0.02)

    def init_weights(self) -> None:
        """MAE init at construction; ``init_cfg`` (e.g. ``Pretrained``) is applied on top."""
        if self.init_cfg is not None:
            super().init_weights()


class ImageDecoderStem(DecoderStem):
    """:class:`DecoderStem` plus the fixed 2-D sin-cos ``decoder_pos_embed`` of the encoder's
    patch grid, evaluated at another grid for inputs of another size (progressive resolution)."""

    def __init__(self, img_size: Union[int, Tuple[int, int]], patch_size: int, embed_dim: int,
                 decoder_embed_dim: int, init_cfg: Optional[dict] = None) -> None:
        super().__init__(embed_dim, decoder_embed_dim, init_cfg=init_cfg)
        height, width = to_2tuple(img_size)
        if height % patch_size or width % patch_size:
            raise ValueError(f'decoder img_size {height}x{width} is not divisible by '
                             f'patch_size {patch_size}; use the encoder\'s values')
        self.grid = (height // patch_size, width // patch_size)
        self.num_patches = self.grid[0] * self.grid[1]
        self.decoder_pos_embed = nn.Parameter(
            sincos_2d_position_embedding(self.grid, decoder_embed_dim), requires_grad=False)

    def positions(self, ids_restore: torch.Tensor, grid: Optional[Tuple[int, int]]) -> torch.Tensor:
        """``decoder_pos_embed`` at ``grid`` (None: the built grid), ``[1, 1 + L, D]``, checked
        against the ``L`` patches of ``ids_restore``."""
        grid = tuple(grid or self.grid)
        if ids_restore.shape[1] != grid[0] * grid[1]:
            raise ValueError(f'decoder got {ids_restore.shape[1]} patches for a {grid} patch grid; '
                             "give it the encoder's img_size, and the grid of inputs of another size")
        return pos_embed_at(self.decoder_pos_embed, self.grid, grid, learnt=False)
