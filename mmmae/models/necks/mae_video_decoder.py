"""The MAE decoder for tubelets: mask tokens, unshuffle, fixed positions, blocks, pixel prediction."""
import math
from typing import Optional, Tuple, Union

import torch

from mmmae.registry import MODELS
from mmmae.utils.misc import to_2tuple
from ..layers import run_block, tubelet_grid, tubelet_position_embedding
from ..layers.masking import restore_token_order
from ..layers.vit import transformer_blocks
from .decoder_stem import DecoderStem


@MODELS.register_module()
class MAEVideoDecoder(DecoderStem):
    """Lightweight decoder predicting the pixels of every tubelet of :class:`MAEVideoViT`.

    ``forward(latent [N, len_keep, D_enc], ids_restore [N, L]) -> pred [N, L, t*p*p*C_group]``,
    ``C_group`` the channels of one band group (all of them without groups).

    Args:
        num_frames: the encoder's frames per clip (``MAE`` fills in this and the five below).
        img_size: the encoder's frame size.
        tubelet_size: the encoder's frames per tubelet.
        patch_size: the encoder's patch size.
        in_channels: the encoder's channels.
        num_groups: the encoder's band groups (of equal size).
        embed_dim: encoder width.
        decoder_embed_dim: decoder width (VideoMAE-B: 384).
        decoder_depth: decoder blocks (VideoMAE-B: 4).
        decoder_num_heads: decoder attention heads (VideoMAE-B: 6).
        mlp_ratio: MLP hidden width over decoder width.
        pos_embed: the encoder's kind of fixed positions (see ``MAEVideoViT``).
        decoder_embed_bias: a bias in the encoder-to-decoder projection (VideoMAE has none).
        norm_eps: of the blocks' LayerNorms.
        final_norm_eps: of the last LayerNorm (default ``norm_eps``; transformers' VideoMAE: 1e-5).
        with_cp: activation checkpointing of the decoder blocks.
        selective_cp: recompute only LayerNorm and GELU outputs.
        cpu_half_attention: how a CPU attends bf16/fp16 (see ``MAEViT``).
    """

    def __init__(self, num_frames: int = 16, img_size: Union[int, Tuple[int, int]] = 224,
                 tubelet_size: int = 2, patch_size: int = 16, in_channels: int = 3,
                 num_groups: int = 1, embed_dim: int = 768, decoder_embed_dim: int = 384,
                 decoder_depth: int = 4, decoder_num_heads: int = 6, mlp_ratio: float = 4.0,
                 pos_embed: str = 'sinusoid_1d', decoder_embed_bias: bool = True,
                 norm_eps: float = 1e-6, final_norm_eps: Optional[float] = None,
                 with_cp: bool = False, selective_cp: bool = False,
                 cpu_half_attention: str = 'fp32', init_cfg: Optional[dict] = None) -> None:
        super().__init__(embed_dim, decoder_embed_dim, embed_bias=decoder_embed_bias, init_cfg=init_cfg)
        if in_channels % num_groups:
            raise ValueError(f'{in_channels} channels do not split into {num_groups} equal band '
                             'groups; the decoder predicts the same number of values per tubelet')
        self.with_cp = with_cp
        self.grid = tubelet_grid((num_frames, *to_2tuple(img_size)), tubelet_size, patch_size)
        self.num_patches = num_groups * math.prod(self.grid)
        self.register_buffer('decoder_pos_embed', tubelet_position_embedding(
            pos_embed, self.grid, decoder_embed_dim, num_groups), persistent=False)
        shape = dict(embed_dim=decoder_embed_dim, depth=decoder_depth, num_heads=decoder_num_heads,
                     mlp_ratio=mlp_ratio)
        self.decoder_blocks = transformer_blocks(shape, norm_eps=norm_eps, selective_cp=selective_cp,
                                                 cpu_half_attention=cpu_half_attention)
        self.add_prediction(tubelet_size * patch_size**2 * in_channels // num_groups,
                            final_norm_eps or norm_eps)

    def forward(self, latent: torch.Tensor, ids_restore: torch.Tensor,
                grid: Optional[Tuple[int, int, int]] = None) -> torch.Tensor:
        if ids_restore.shape[1] != self.num_patches or (grid is not None and tuple(grid) != self.grid):
            raise ValueError(f'decoder built for {self.num_patches} tubelets ({self.grid}) got '
                             f'{ids_restore.shape[1]}; give it the encoder\'s clip size')
        x = restore_token_order(self.decoder_embed(latent), self.mask_token, ids_restore)
        x = x + self.decoder_pos_embed.to(x.dtype)
        for block in self.decoder_blocks:
            x = run_block(block, x, with_cp=self.with_cp)
        return self.decoder_pred(self.decoder_norm(x))
