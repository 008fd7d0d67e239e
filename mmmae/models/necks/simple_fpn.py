"""ViTDet's simple feature pyramid: strides 4/8/16/32 (+64) from one stride-16 map."""
from typing import Sequence, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import nn

from mmmae.registry import MODELS


class LayerNorm2d(nn.Module):
    """LayerNorm over the channels of ``[N, C, H, W]`` at every position."""

    def __init__(self, channels: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(channels, eps=eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)


def _rescale(channels: int, factor: float) -> nn.Module:
    if factor == 4:
        return nn.Sequential(nn.ConvTranspose2d(channels, channels // 2, 2, 2),
                             LayerNorm2d(channels // 2), nn.GELU(),
                             nn.ConvTranspose2d(channels // 2, channels // 4, 2, 2))
    if factor == 2:
        return nn.ConvTranspose2d(channels, channels // 2, 2, 2)
    if factor == 1:
        return nn.Identity()
    if factor == 0.5:
        return nn.MaxPool2d(2, 2)
    raise ValueError(f'scale factor {factor} is not one of 4, 2, 1, 0.5')


@MODELS.register_module()
class SimpleFPN(BaseModule):
    """Feature pyramid from the last map of a plain ViT (ViTDet).

    ``forward((x,)) -> tuple`` of ``out_channels`` maps at ``x``'s stride divided by
    each of ``scale_factors`` (4, 2, 1, 0.5: strides 4, 8, 16, 32 for a stride-16 ViT),
    each through a 1x1 and a 3x3 convolution with LayerNorm; with ``num_outs`` one
    more than the factors, the coarsest map is max-pooled once more (stride 64, for the
    RPN), as MMDetection's FPN does. MMDetection 3.3 has no such neck outside its
    ``projects/``, so mmmae provides it.
    """

    def __init__(self, in_channels: int = 768, out_channels: int = 256,
                 scale_factors: Sequence[float] = (4.0, 2.0, 1.0, 0.5), num_outs: int = 5,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_outs not in (len(scale_factors), len(scale_factors) + 1):
            raise ValueError(f'num_outs must be {len(scale_factors)} or '
                             f'{len(scale_factors) + 1}, got {num_outs}')
        self.num_outs = num_outs
        self.rescales = nn.ModuleList([_rescale(in_channels, f) for f in scale_factors])
        widths = [in_channels // 4 if f == 4 else in_channels // 2 if f == 2 else in_channels
                  for f in scale_factors]
        self.lateral = nn.ModuleList([
            nn.Sequential(nn.Conv2d(w, out_channels, 1, bias=False), LayerNorm2d(out_channels),
                          nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False),
                          LayerNorm2d(out_channels)) for w in widths])

    def forward(self, inputs: Tuple[torch.Tensor, ...]) -> Tuple[torch.Tensor, ...]:
        x = inputs[-1]
        outs = [lateral(rescale(x)) for rescale, lateral in zip(self.rescales, self.lateral)]
        if self.num_outs > len(outs):
            outs.append(F.max_pool2d(outs[-1], 1, stride=2))
        return tuple(outs)
