"""The MAE decoder: mask tokens, unshuffle, fixed positions, blocks, pixel prediction."""
from typing import Optional, Tuple, Union

import torch
from mmengine.model import BaseModule
from torch import nn

from mmmae.registry import MODELS
from mmmae.utils.misc import to_2tuple
from ..layers import TransformerBlock, init_mae_weights, run_block, sincos_2d_position_embedding
from ..layers.masking import restore_token_order


@MODELS.register_module()
class MAEDecoder(BaseModule):
    """Lightweight MAE decoder predicting the pixels of every patch.

    ``forward(latent [N, 1 + len_keep, D_enc], ids_restore [N, L]) -> pred [N, L, p*p*C]``.
    Parameter names follow the official MAE code (``decoder_embed``, ``mask_token``,
    ``decoder_pos_embed``, ``decoder_blocks``, ``decoder_norm``, ``decoder_pred``).

    Args:
        img_size: input size (int or ``(H, W)``); must match the encoder.
        patch_size: must match the encoder.
        in_channels: must match the encoder.
        embed_dim: encoder width.
        decoder_embed_dim: decoder width (paper: 512).
        decoder_depth: decoder blocks (paper: 8).
        decoder_num_heads: decoder attention heads (paper: 16).
        mlp_ratio: MLP hidden width over decoder width (paper: 4).
        with_cp: activation checkpointing of the decoder blocks (see ``MAEViT``).
        selective_cp: recompute only LayerNorm and GELU outputs (see ``MAEViT``).
        cpu_half_attention: how a CPU attends bf16/fp16 (see ``MAEViT``).
    """

    def __init__(self, img_size: Union[int, Tuple[int, int]] = 224, patch_size: int = 16,
                 in_channels: int = 3, embed_dim: int = 768, decoder_embed_dim: int = 512,
                 decoder_depth: int = 8, decoder_num_heads: int = 16, mlp_ratio: float = 4.0,
                 norm_eps: float = 1e-6, with_cp: bool = False, selective_cp: bool = False,
                 cpu_half_attention: str = 'fp32', init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.with_cp = with_cp
        height, width = to_2tuple(img_size)
        if height % patch_size or width % patch_size:
            raise ValueError(f'decoder img_size {height}x{width} is not divisible by '
                             f'patch_size {patch_size}; use the encoder\'s values')
        self.grid = (height // patch_size, width // patch_size)
        self.num_patches = self.grid[0] * self.grid[1]
        self.decoder_embed = nn.Linear(embed_dim, decoder_embed_dim)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, decoder_embed_dim))
        self.decoder_pos_embed = nn.Parameter(
            sincos_2d_position_embedding(self.grid, decoder_embed_dim), requires_grad=False)
        self.decoder_blocks = nn.ModuleList([
            TransformerBlock(decoder_embed_dim, decoder_num_heads, mlp_ratio, norm_eps=norm_eps,
                             selective_cp=selective_cp, cpu_half_attention=cpu_half_attention)
            for _ in range(decoder_depth)])
        self.decoder_norm = nn.LayerNorm(decoder_embed_dim, eps=norm_eps)
        self.decoder_pred = nn.Linear(decoder_embed_dim, patch_size**2 * in_channels)
        init_mae_weights(self)
        nn.init.normal_(self.mask_token, std=0.02)

    def init_weights(self) -> None:
        """MAE init at construction; ``init_cfg`` (e.g. ``Pretrained``) is applied on top."""
        if self.init_cfg is not None:
            super().init_weights()

    def forward(self, latent: torch.Tensor, ids_restore: torch.Tensor) -> torch.Tensor:
        if ids_restore.shape[1] != self.num_patches:
            raise ValueError(f'decoder built for {self.num_patches} patches got '
                             f'{ids_restore.shape[1]}; give the decoder the encoder\'s img_size')
        x = self.decoder_embed(latent)
        patches = restore_token_order(x[:, 1:], self.mask_token, ids_restore)
        x = torch.cat([x[:, :1], patches], dim=1) + self.decoder_pos_embed
        for block in self.decoder_blocks:
            x = run_block(block, x, with_cp=self.with_cp)
        return self.decoder_pred(self.decoder_norm(x))[:, 1:]
