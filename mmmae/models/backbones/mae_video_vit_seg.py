"""The band-stack (or clip) encoder as a semantic-segmentation backbone (Prithvi's recipe)."""
from typing import Optional, Sequence, Tuple, Union

import torch

from mmmae.registry import MODELS
from ..layers.tubelet_vit import TubeletViT
from .mae_vit_seg import default_out_indices


@MODELS.register_module()
class MAEVideoViTSeg(TubeletViT):
    """The tubelet trunk over every tubelet, returning 2-D feature maps for MMSeg necks and heads.

    ``forward(inputs) -> tuple of [N, D, H/p, W/p]``, one per block in ``out_indices``
    (default: 4, 6, 8, 12 of 12, as :class:`MAEViTSeg`). Each map is the mean of a block's
    tokens over the time steps and band groups at each position. ``inputs`` are
    ``[N, C, T, H, W]``, or ``[N, T * C, H, W]`` with the time steps stacked in the channels
    (``t * C + c``), which is what MMSeg's ``PackSegInputs`` and ``SegDataPreprocessor`` give
    for a band stack folded by ``StackTimeInChannels``.

    A pretraining checkpoint of :class:`MAEVideoViT` loads with
    ``init_cfg=dict(type='mmmae.Pretrained', checkpoint=..., prefix='backbone.')``; its final
    ``norm`` is not used (no final norm, as in the MAE / BEiT segmentation recipe). The other
    arguments are the trunk's (:class:`~mmmae.models.layers.tubelet_vit.TubeletViT`).
    """

    def __init__(self, arch: Union[str, dict] = 'b', num_frames: int = 1,
                 img_size: Union[int, Tuple[int, int]] = 224, tubelet_size: int = 1,
                 patch_size: Optional[int] = None, in_channels: int = 6,
                 band_groups: Optional[Sequence[Sequence[int]]] = None,
                 pos_embed: str = 'sincos_3d', out_indices: Optional[Sequence[int]] = None,
                 drop_path_rate: float = 0.1, norm_eps: float = 1e-6, with_cp: bool = False,
                 selective_cp: bool = False, cpu_half_attention: str = 'fp32',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(arch=arch, num_frames=num_frames, img_size=img_size,
                         tubelet_size=tubelet_size, patch_size=patch_size, in_channels=in_channels,
                         band_groups=band_groups, pos_embed=pos_embed, final_norm=False,
                         drop_path_rate=drop_path_rate, norm_eps=norm_eps, with_cp=with_cp,
                         selective_cp=selective_cp, cpu_half_attention=cpu_half_attention,
                         init_cfg=init_cfg)
        depth = len(self.blocks)
        self.out_indices = tuple(out_indices) if out_indices is not None else \
            default_out_indices(depth)
        bad = [i for i in self.out_indices if not 0 <= i < depth]
        if bad:
            raise ValueError(f'out_indices {bad} are not blocks of a {depth}-block encoder; '
                             f'use 0..{depth - 1}')

    def as_clips(self, inputs: torch.Tensor) -> torch.Tensor:
        """``[N, C, T, H, W]`` from either input layout."""
        if inputs.ndim == 5:
            return inputs
        channels = self.in_channels * self.num_frames
        if inputs.ndim != 4 or inputs.shape[1] != channels:
            raise ValueError(f'expected [N, {self.in_channels}, {self.num_frames}, H, W] or '
                             f'[N, {channels}, H, W] (time steps stacked in the channels), got '
                             f'{tuple(inputs.shape)}; check in_channels and num_frames against '
                             'the band stacks')
        n, _, height, width = inputs.shape
        return inputs.view(n, self.num_frames, self.in_channels, height, width).transpose(1, 2)

    def forward(self, inputs: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outputs = self.block_outputs(self.patch_tokens(self.as_clips(inputs)), self.out_indices)
        groups, frames, height, width = self.patch_embed.num_groups, *self.grid
        return tuple(x.view(x.shape[0], groups * frames, height, width, -1).mean(1).permute(0, 3, 1, 2)
                     for x in outputs)
