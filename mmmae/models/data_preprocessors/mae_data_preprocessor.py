"""Batching and normalisation of MAE inputs."""
from typing import Sequence

import torch
from mmengine.model import ImgDataPreprocessor

from mmmae.registry import MODELS

IMAGENET_MEAN = (123.675, 116.28, 103.53)
IMAGENET_STD = (58.395, 57.12, 57.375)


@MODELS.register_module()
class MAEDataPreprocessor(ImgDataPreprocessor):
    """Stack images, move them to the device as uint8, then BGR->RGB and normalise.

    Defaults are the ImageNet RGB statistics on the 0-255 scale that MAE uses.
    Single-channel images are repeated to three channels when ``to_rgb`` is set,
    so grayscale data sets (the MNIST demo) run through the RGB model.
    """

    def __init__(self, mean: Sequence[float] = IMAGENET_MEAN, std: Sequence[float] = IMAGENET_STD,
                 to_rgb: bool = True, non_blocking: bool = True) -> None:
        super().__init__(mean=mean, std=std, bgr_to_rgb=to_rgb, non_blocking=non_blocking)
        self.to_rgb = to_rgb

    def forward(self, data: dict, training: bool = False) -> dict:
        inputs = data['inputs']
        if self.to_rgb:
            if isinstance(inputs, torch.Tensor):
                inputs = self._three_channels(inputs, channel_dim=1)
            else:
                inputs = [self._three_channels(img, channel_dim=0) for img in inputs]
        return super().forward(dict(data, inputs=inputs), training)

    @staticmethod
    def _three_channels(images: torch.Tensor, channel_dim: int) -> torch.Tensor:
        channels = images.shape[channel_dim]
        if channels == 1:
            return images.repeat_interleave(3, dim=channel_dim)
        if channels != 3:
            raise ValueError(f'expected images with 1 or 3 channels, got shape '
                             f'{tuple(images.shape)}; convert RGBA/CMYK images to RGB in the '
                             "pipeline (LoadImageFromFile(color_type='color'))")
        return images

    def denormalize(self, images: torch.Tensor) -> torch.Tensor:
        """Normalised ``[N, C, H, W]`` (or clips ``[N, C, T, H, W]``) back to 0-255 (RGB if
        ``to_rgb``), clamped."""
        shape = (1, -1) + (1,) * (images.ndim - 2)
        return (images.float() * self.std.view(shape) + self.mean.view(shape)).clamp(0, 255)
