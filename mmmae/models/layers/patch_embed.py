"""Image to patch tokens with one strided convolution."""
from typing import Tuple, Union

import torch
from torch import nn

from mmmae.utils.misc import to_2tuple


def patch_grid(image_hw: Union[int, Tuple[int, int]], patch_size: int) -> Tuple[int, int]:
    """Patch grid ``(h, w)`` of an image size; raises if not divisible."""
    height, width = to_2tuple(image_hw)
    p = patch_size
    if height % p or width % p:
        raise ValueError(
            f'image size {height}x{width} is not divisible by the patch size {p}; '
            f'resize or crop the images to a multiple of {p} (e.g. '
            f'{height // p * p or p}x{width // p * p or p})')
    return height // p, width // p


class PatchEmbed(nn.Module):
    """Split ``[N, C, H, W]`` images into patches and embed them: ``[N, L, D]``.

    ``proj`` is named as in the official MAE code and timm.
    """

    def __init__(self, patch_size: int, in_channels: int, embed_dim: int) -> None:
        super().__init__()
        self.patch_size = patch_size
        self.proj = nn.Conv2d(in_channels, embed_dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        patch_grid(images.shape[-2:], self.patch_size)
        return self.proj(images).flatten(2).transpose(1, 2)
