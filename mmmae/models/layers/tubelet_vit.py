"""The ViT trunk over clips and band stacks: tubelet tokens, fixed positions, the blocks."""
import math
from typing import List, Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModule
from torch import nn

from mmmae.utils.misc import to_2tuple
from .pos_embed import tubelet_position_embedding
from .transformer_block import run_block
from .tubelet_embed import TubeletEmbed, tubelet_grid
from .vit import init_mae_weights, resolve_arch, transformer_blocks


class TubeletViT(BaseModule):
    """ViT trunk over ``[N, C, T, H, W]`` inputs: a tubelet embedding (optionally one per band
    group), fixed positions, transformer blocks and an optional final norm, initialised as MAE's
    code does. There is no cls token (VideoMAE's encoder has none); the ``L = groups x t x h x w``
    tokens are ordered ``(group, t, h, w)``.

    The positions are a function of the grid, not learnt, so every backbone built on this trunk
    (pretraining, classification, segmentation) loads every checkpoint of the same arch.

    Args:
        arch: as :class:`~mmmae.models.layers.ViT` (``'b'``, ``'l'``, a dict, ...).
        num_frames: frames (time steps) per input; with ``img_size`` it fixes ``grid``.
        img_size: the frames' size (int or ``(H, W)``).
        tubelet_size: frames per tubelet (VideoMAE: 2; 1 embeds every frame on its own).
        patch_size: overrides the arch's.
        in_channels: channels (bands) of the input.
        band_groups: channel indices embedded together (SatMAE), one tubelet embedding each;
            None embeds all channels at once.
        pos_embed: ``'sinusoid_1d'`` (VideoMAE), ``'sincos_3d'`` (Prithvi-like) or
            ``'factorised'`` (2-D space + 1-D time).
        final_norm: a LayerNorm after the blocks (``encode``); without it ``norm`` is identity.
        drop_path_rate: stochastic depth (see :class:`~mmmae.models.layers.ViT`).
        norm_eps: the LayerNorms' epsilon.
        with_cp: activation checkpointing of the blocks.
        selective_cp: recompute only LayerNorm and GELU outputs.
        cpu_half_attention: how a CPU attends bf16/fp16 (see :class:`~mmmae.models.layers.ViT`).
    """

    def __init__(self, arch: Union[str, dict] = 'b', num_frames: int = 16,
                 img_size: Union[int, Tuple[int, int]] = 224, tubelet_size: int = 2,
                 patch_size: Optional[int] = None, in_channels: int = 3,
                 band_groups: Optional[Sequence[Sequence[int]]] = None,
                 pos_embed: str = 'sinusoid_1d', final_norm: bool = True, drop_path_rate: float = 0.0,
                 norm_eps: float = 1e-6, with_cp: bool = False, selective_cp: bool = False,
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
        self.pos_embed_type = pos_embed
        self.register_buffer('pos_embed', tubelet_position_embedding(
            pos_embed, self.grid, self.embed_dim, groups), persistent=False)
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
    def clip_shape(self) -> Tuple[int, int, int, int]:
        """``(C, T, H, W)`` of the inputs the trunk was built for."""
        return (self.in_channels, self.num_frames, *self.img_size)

    def patch_tokens(self, clips: torch.Tensor) -> torch.Tensor:
        """Embedded tubelets plus their positions, ``[N, L, D]``; the clip must be the built size."""
        grid = self.patch_embed.grid(clips)
        if grid != self.grid:
            raise ValueError(f'clips {tuple(clips.shape[2:])} give a {grid} tubelet grid, the model '
                             f'was built for {self.grid} (num_frames={self.num_frames}, img_size='
                             f'{self.img_size}); sample and crop clips to that size')
        return self.patch_embed(clips) + self.pos_embed.to(clips.dtype)

    def block_outputs(self, tokens: torch.Tensor, indices: Sequence[int]) -> List[torch.Tensor]:
        """Run the blocks up to the last of ``indices``; the outputs of the blocks in ``indices``."""
        wanted, outputs = set(indices), []
        for index, block in enumerate(self.blocks[:max(indices) + 1]):
            tokens = run_block(block, tokens, with_cp=self.with_cp)
            if index in wanted:
                outputs.append(tokens)
        return outputs

    def encode(self, tokens: torch.Tensor) -> torch.Tensor:
        """Every block, then the final norm."""
        return self.norm(self.block_outputs(tokens, [len(self.blocks) - 1])[0])
