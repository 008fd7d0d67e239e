"""Batching and normalisation of clips and band stacks ``[C, T, H, W]``."""
from typing import Sequence

import torch
from mmengine.model import BaseDataPreprocessor

from mmmae.registry import MODELS
from .mae_data_preprocessor import IMAGENET_MEAN, IMAGENET_STD


@MODELS.register_module()
class ClipDataPreprocessor(BaseDataPreprocessor):
    """Stack ``[C, T, H, W]`` clips into ``[N, C, T, H, W]`` on the device, reverse the channels
    (BGR -> RGB) if ``to_rgb``, and normalise each channel by ``mean`` and ``std``.

    Any number of channels: give one mean and std per band for multispectral stacks (the
    defaults are ImageNet's RGB statistics on the 0-255 scale, for video).
    """

    def __init__(self, mean: Sequence[float] = IMAGENET_MEAN, std: Sequence[float] = IMAGENET_STD,
                 to_rgb: bool = True, non_blocking: bool = True) -> None:
        super().__init__(non_blocking)
        if len(mean) != len(std):
            raise ValueError(f'ClipDataPreprocessor needs one std per mean, got {len(mean)} means '
                             f'and {len(std)} stds')
        self.to_rgb = to_rgb
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32).view(-1, 1, 1, 1), False)
        self.register_buffer('std', torch.tensor(std, dtype=torch.float32).view(-1, 1, 1, 1), False)

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        inputs = data['inputs']
        clips = inputs if isinstance(inputs, torch.Tensor) else torch.stack(list(inputs))
        if clips.ndim != 5 or clips.shape[1] != self.mean.shape[0]:
            raise ValueError(f'expected clips [N, {self.mean.shape[0]}, T, H, W] (one mean and std '
                             f'per channel), got {tuple(clips.shape)}')
        clips = clips.float()
        if self.to_rgb:
            clips = clips.flip(1)
        return dict(inputs=(clips - self.mean) / self.std, data_samples=data.get('data_samples'))

    def denormalize(self, clips: torch.Tensor) -> torch.Tensor:
        """Normalised ``[N, C, T, H, W]`` back to the input scale (RGB if ``to_rgb``), clamped
        to 0-255."""
        return (clips.float() * self.std + self.mean).clamp(0, 255)
