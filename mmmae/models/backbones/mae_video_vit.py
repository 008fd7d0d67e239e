"""The MAE encoder for clips and band stacks: tubelet tokens, fixed positions, structured masking,
and the ViT trunk's blocks (VideoMAE, SatMAE, Prithvi)."""
import math
from typing import Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModule
from torch import nn

from mmmae.registry import MODELS
from mmmae.utils.misc import to_2tuple
from ..layers import (TubeletEmbed, init_mae_weights, resolve_arch, run_block, structured_masking,
                      tubelet_grid, tubelet_position_embedding)
from ..layers.masking import kept_units, mask_layout
from ..layers.vit import transformer_blocks


@MODELS.register_module()
class MAEVideoViT(BaseModule):
    """ViT encoder of MAE over ``[N, C, T, H, W]`` clips (or band stacks over time) that encodes
    only the tubelets left visible by its masking.

    ``forward(clips) -> (latent [N, len_keep, D], mask [N, L], ids_restore [N, L])``; with
    ``mask=False`` ``(tokens [N, L, D],)`` of every tubelet. There is no cls token (VideoMAE's
    encoder has none); ``L = groups x t x h x w`` tokens ordered ``(group, t, h, w)``.

    Args:
        arch: as :class:`~mmmae.models.layers.ViT` (``'b'``, ``'l'``, a dict, ...).
        num_frames: frames per clip; with ``img_size`` it fixes ``grid``.
        img_size: the frames' size (int or ``(H, W)``).
        tubelet_size: frames per tubelet (VideoMAE: 2; 1 embeds every frame on its own).
        patch_size: overrides the arch's.
        in_channels: channels (bands) of the input.
        band_groups: channel indices embedded together (SatMAE), one tubelet embedding each;
            None embeds all channels at once.
        pos_embed: ``'sinusoid_1d'`` (VideoMAE), ``'sincos_3d'`` (Prithvi-like) or
            ``'factorised'`` (2-D space + 1-D time); fixed, not learnt.
        masking: ``'random'``, ``'tube'`` (VideoMAE), ``'group_independent'`` or
            ``'group_consistent'`` (SatMAE); see :func:`~mmmae.models.layers.mask_layout`.
        mask_ratio: fraction removed (VideoMAE: 0.9).
        final_norm: a LayerNorm after the blocks (VideoMAE's pretraining encoder has one).
        drop_path_rate: stochastic depth (see :class:`~mmmae.models.layers.ViT`).
        norm_eps: the LayerNorms' epsilon.
        with_cp: activation checkpointing of the blocks.
        selective_cp: recompute only LayerNorm and GELU outputs.
        cpu_half_attention: how a CPU attends bf16/fp16 (see ``MAEViT``).
    """

    def __init__(self, arch: Union[str, dict] = 'b', num_frames: int = 16,
                 img_size: Union[int, Tuple[int, int]] = 224, tubelet_size: int = 2,
                 patch_size: Optional[int] = None, in_channels: int = 3,
                 band_groups: Optional[Sequence[Sequence[int]]] = None,
                 pos_embed: str = 'sinusoid_1d', masking: str = 'tube', mask_ratio: float = 0.9,
                 final_norm: bool = True, drop_path_rate: float = 0.0, norm_eps: float = 1e-6,
                 with_cp: bool = False, selective_cp: bool = False,
                 cpu_half_attention: str = 'fp32', init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        settings = resolve_arch(arch)
        self.embed_dim, self.with_cp = settings['embed_dim'], with_cp
        self.patch_size, self.tubelet_size = patch_size or settings['patch_size'], tubelet_size
        self.in_channels, self.num_frames = in_channels, num_frames
        self.img_size = to_2tuple(img_size)
        self.patch_embed = TubeletEmbed(tubelet_size, self.patch_size, in_channels, self.embed_dim,
                                        band_groups)
        self.grid = tubelet_grid((num_frames, *self.img_size), tubelet_size, self.patch_size)
        groups = self.patch_embed.num_groups
        self.token_grid = (groups, self.grid[0], self.grid[1] * self.grid[2])
        self.num_patches = groups * math.prod(self.grid)
        self.pos_embed_type, self.masking, self.mask_ratio = pos_embed, masking, mask_ratio
        self.register_buffer('pos_embed', tubelet_position_embedding(
            pos_embed, self.grid, self.embed_dim, groups), persistent=False)
        # the masking strategy and its ratio checked now, not at the first step
        kept_units(masking, mask_layout(masking, self.token_grid)[2], mask_ratio)
        self.blocks = transformer_blocks(settings, drop_path_rate, norm_eps=norm_eps,
                                         selective_cp=selective_cp,
                                         cpu_half_attention=cpu_half_attention)
        self.norm = nn.LayerNorm(self.embed_dim, eps=norm_eps) if final_norm else nn.Identity()
        init_mae_weights(self)
        for proj in self.patch_embed.modules():
            if isinstance(proj, nn.Conv3d):  # like a linear layer, as MAE's patch embedding
                nn.init.xavier_uniform_(proj.weight.data.view(proj.weight.shape[0], -1))
                nn.init.zeros_(proj.bias)

    def init_weights(self) -> None:
        """MAE init at construction; ``init_cfg`` (e.g. ``Pretrained``) is applied on top."""
        if self.init_cfg is not None:
            super().init_weights()

    @property
    def num_visible(self) -> int:
        """Tokens the encoder sees per clip."""
        blocks, shared, units = mask_layout(self.masking, self.token_grid)
        return blocks * shared * kept_units(self.masking, units, self.mask_ratio)

    @property
    def noise_shape(self) -> Tuple[int, int]:
        """The shape of one clip's masking noise, ``(blocks, units)`` of its mask layout."""
        blocks, _, units = mask_layout(self.masking, self.token_grid)
        return blocks, units

    @property
    def clip_shape(self) -> Tuple[int, int, int, int]:
        """``(C, T, H, W)`` of the clips the model was built for."""
        return (self.in_channels, self.num_frames, *self.img_size)

    def decoder_shape(self) -> dict:
        """What a decoder must share with this encoder (``MAE`` passes it to the neck)."""
        return dict(num_frames=self.num_frames, img_size=self.img_size, tubelet_size=self.tubelet_size,
                    patch_size=self.patch_size, in_channels=self.in_channels,
                    num_groups=self.patch_embed.num_groups, pos_embed=self.pos_embed_type)

    def head_shape(self) -> dict:
        """What the pixel head must share with this encoder."""
        return dict(tubelet_size=self.tubelet_size, patch_size=self.patch_size,
                    in_channels=self.in_channels, band_groups=self.patch_embed.band_groups)

    def tokens(self, clips: torch.Tensor) -> torch.Tensor:
        """Embedded tubelets plus their positions, ``[N, L, D]``; the clip must be the built size."""
        grid = self.patch_embed.grid(clips)
        if grid != self.grid:
            raise ValueError(f'clips {tuple(clips.shape[2:])} give a {grid} tubelet grid, the model '
                             f'was built for {self.grid} (num_frames={self.num_frames}, img_size='
                             f'{self.img_size}); sample and crop clips to that size')
        return self.patch_embed(clips) + self.pos_embed.to(clips.dtype)

    def encode(self, tokens: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            tokens = run_block(block, tokens, with_cp=self.with_cp)
        return self.norm(tokens)

    def forward(self, clips: torch.Tensor, noise: Optional[torch.Tensor] = None, mask: bool = True):
        """See the class docstring; ``noise [N, blocks, units]`` reproduces a mask exactly."""
        tokens = self.tokens(clips)
        if not mask:
            return (self.encode(tokens),)
        visible, mask_map, ids_restore = structured_masking(
            tokens, self.mask_ratio, self.token_grid, self.masking, noise)
        return self.encode(visible), mask_map, ids_restore
