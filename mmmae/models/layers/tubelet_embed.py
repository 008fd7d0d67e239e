"""Clips (or band stacks) to tubelet tokens: one strided 3-D convolution per band group."""
from typing import Optional, Sequence, Tuple

import torch
from torch import nn


def tubelet_grid(clip_thw: Sequence[int], tubelet_size: int, patch_size: int) -> Tuple[int, int, int]:
    """Tubelet grid ``(t, h, w)`` of a clip of ``(frames, height, width)``; raises if not divisible."""
    frames, height, width = clip_thw
    if frames % tubelet_size or height % patch_size or width % patch_size:
        raise ValueError(
            f'a clip of {frames} frames of {height}x{width} does not split into tubelets of '
            f'{tubelet_size}x{patch_size}x{patch_size}; sample a multiple of {tubelet_size} frames '
            f'and crop to a multiple of {patch_size} pixels')
    return frames // tubelet_size, height // patch_size, width // patch_size


class TubeletEmbed(nn.Module):
    """Split ``[N, C, T, H, W]`` clips into ``t x p x p`` tubelets and embed them: ``[N, L, D]``.

    Without ``band_groups`` one convolution sees every channel (VideoMAE, Prithvi), and the
    tokens are ordered ``(t, h, w)``. With ``band_groups`` (SatMAE) each group of channel
    indices has its own convolution and the tokens are ordered ``(group, t, h, w)``, so
    ``L = groups x t x h x w``. ``proj`` is the single convolution, ``projs.G`` the grouped ones.
    """

    def __init__(self, tubelet_size: int, patch_size: int, in_channels: int, embed_dim: int,
                 band_groups: Optional[Sequence[Sequence[int]]] = None) -> None:
        super().__init__()
        self.tubelet_size, self.patch_size, self.in_channels = tubelet_size, patch_size, in_channels
        kernel = (tubelet_size, patch_size, patch_size)
        if band_groups is None:
            self.band_groups = None
            self.proj = nn.Conv3d(in_channels, embed_dim, kernel_size=kernel, stride=kernel)
            return
        self.band_groups = [list(group) for group in band_groups]
        used = sorted(c for group in self.band_groups for c in group)
        if not self.band_groups or used != list(range(in_channels)):
            raise ValueError(f'band_groups {band_groups} must use each of the {in_channels} input '
                             f'channels (0..{in_channels - 1}) exactly once')
        self.projs = nn.ModuleList([nn.Conv3d(len(group), embed_dim, kernel_size=kernel, stride=kernel)
                                    for group in self.band_groups])

    @property
    def num_groups(self) -> int:
        return 1 if self.band_groups is None else len(self.band_groups)

    def grid(self, clips: torch.Tensor) -> Tuple[int, int, int]:
        """The tubelet grid ``(t, h, w)`` of ``clips [N, C, T, H, W]``, checking their channels."""
        if clips.ndim != 5 or clips.shape[1] != self.in_channels:
            raise ValueError(f'expected clips [N, {self.in_channels}, T, H, W], got '
                             f'{tuple(clips.shape)}; a model for {self.in_channels} channels needs '
                             'clips (or band stacks) with that many')
        return tubelet_grid(clips.shape[2:], self.tubelet_size, self.patch_size)

    def forward(self, clips: torch.Tensor) -> torch.Tensor:
        self.grid(clips)
        if self.band_groups is None:
            return self.proj(clips).flatten(2).transpose(1, 2)
        return torch.cat([proj(clips[:, group]).flatten(2).transpose(1, 2)
                          for proj, group in zip(self.projs, self.band_groups)], dim=1)
