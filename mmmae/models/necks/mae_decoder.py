"""The MAE decoder: mask tokens, unshuffle, fixed positions, blocks, pixel prediction."""
from typing import Optional, Tuple, Union

import torch
from torch import nn

from mmmae.registry import MODELS
from ..layers import TransformerBlock, run_block
from ..layers.masking import restore_token_order
from .decoder_stem import ImageDecoderStem


@MODELS.register_module()
class MAEDecoder(ImageDecoderStem):
    """Lightweight MAE decoder predicting the pixels of every patch.

    ``forward(latent [N, 1 + len_keep, D_enc], ids_restore [N, L], grid=None) -> pred [N, L, p*p*C]``;
    ``grid``: the patch grid of inputs of another size than ``img_size``.
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
        super().__init__(img_size, patch_size, embed_dim, decoder_embed_dim, init_cfg=init_cfg)
        self.with_cp = with_cp
        self.decoder_blocks = nn.ModuleList([
            TransformerBlock(decoder_embed_dim, decoder_num_heads, mlp_ratio, norm_eps=norm_eps,
                             selective_cp=selective_cp, cpu_half_attention=cpu_half_attention)
            for _ in range(decoder_depth)])
        self.add_prediction(patch_size**2 * in_channels, norm_eps)

    def forward(self, latent: torch.Tensor, ids_restore: torch.Tensor,
                grid: Optional[Tuple[int, int]] = None) -> torch.Tensor:
        positions = self.positions(ids_restore, grid)
        x = self.decoder_embed(latent)
        patches = restore_token_order(x[:, 1:], self.mask_token, ids_restore)
        x = torch.cat([x[:, :1], patches], dim=1) + positions
        for block in self.decoder_blocks:
            x = run_block(block, x, with_cp=self.with_cp)
        return self.decoder_pred(self.decoder_norm(x))[:, 1:]
