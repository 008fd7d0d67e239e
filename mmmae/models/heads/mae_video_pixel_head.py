"""Pixel reconstruction target and loss of MAE for tubelets of clips and band stacks."""
from typing import Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule

from mmmae.registry import MODELS

NORM_PIX = ('tubelet', 'tubelet_channel')


@MODELS.register_module()
class MAEVideoPixelHead(BaseModule):
    """Mean squared error between predicted and true tubelet pixels, on masked tubelets only.

    A tubelet's values are flattened as ``(t, p, q, c)`` (VideoMAE's order; ``c`` the channels
    of its band group), tokens ordered ``(group, t, h, w)`` as ``MAEVideoViT`` makes them.

    Args:
        norm_pix: how each target tubelet is normalised: ``'tubelet_channel'`` (VideoMAE: each
            channel by its own mean and unbiased std, ``eps`` added to the std), ``'tubelet'``
            (MAE's per-patch rule: all values together, ``eps`` added to the variance) or None.
        band_groups: the encoder's (``MAE`` fills it in); None: one group of every channel.
        channel_std: with ``'tubelet_channel'``, the std of each input channel that the data
            preprocessor divided by, on the scale VideoMAE normalises in ([0, 1] pixels:
            ImageNet's ``(0.229, 0.224, 0.225)``); ``eps`` is divided by it, so the targets are
            VideoMAE's (which it computes on un-normalised pixels) exactly. None: ``eps`` as is.
    """

    def __init__(self, tubelet_size: int = 2, patch_size: int = 16, in_channels: int = 3,
                 band_groups: Optional[Sequence[Sequence[int]]] = None,
                 norm_pix: Optional[str] = 'tubelet_channel', eps: float = 1e-6,
                 channel_std: Optional[Sequence[float]] = None) -> None:
        super().__init__()
        if norm_pix is not None and norm_pix not in NORM_PIX:
            raise ValueError(f'norm_pix must be one of {NORM_PIX} or None, got {norm_pix!r}')
        self.tubelet_size, self.patch_size, self.in_channels = tubelet_size, patch_size, in_channels
        self.band_groups = [list(g) for g in band_groups] if band_groups else None
        self.groups = self.band_groups or [list(range(in_channels))]
        self.norm_pix, self.eps = norm_pix, eps
        if channel_std is not None and len(channel_std) != in_channels:
            raise ValueError(f'channel_std has {len(channel_std)} values for {in_channels} channels')
        self.channel_std = None if channel_std is None else [float(v) for v in channel_std]
        # eps / std of each channel of each band group, [groups, C_group]; built once, moved
        # with the module
        group_eps = None if channel_std is None else torch.tensor(
            [[eps / self.channel_std[c] for c in group] for group in self.groups])
        self.register_buffer('group_eps', group_eps, persistent=False)

    @property
    def values_per_patch(self) -> int:
        return self.tubelet_size * self.patch_size**2 * len(self.groups[0])

    def patchify(self, clips: torch.Tensor) -> torch.Tensor:
        """``[N, C, T, H, W] -> [N, groups*t*h*w, t*p*p*C_group]``."""
        n, _, frames, height, width = clips.shape
        t, p = self.tubelet_size, self.patch_size
        grid = (frames // t, height // p, width // p)
        out = []
        for group in self.groups:
            x = clips[:, group].reshape(n, len(group), grid[0], t, grid[1], p, grid[2], p)
            out.append(x.permute(0, 2, 4, 6, 3, 5, 7, 1).reshape(n, grid[0] * grid[1] * grid[2], -1))
        return torch.cat(out, dim=1)

    def unpatchify(self, patches: torch.Tensor, clip_thw: Sequence[int]) -> torch.Tensor:
        """``[N, L, t*p*p*C_group] -> [N, C, T, H, W]`` for clips of ``(T, H, W)``."""
        n = patches.shape[0]
        t, p = self.tubelet_size, self.patch_size
        grid = (clip_thw[0] // t, clip_thw[1] // p, clip_thw[2] // p)
        clips = patches.new_zeros(n, self.in_channels, *clip_thw)
        for group, part in zip(self.groups, patches.chunk(len(self.groups), dim=1)):
            x = part.reshape(n, *grid, t, p, p, len(group)).permute(0, 7, 1, 4, 2, 5, 3, 6)
            clips[:, group] = x.reshape(n, len(group), *clip_thw)
        return clips

    def _stats(self, patches: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, Tuple[int, ...]]:
        """Mean and std of each tubelet (or tubelet channel), and the view they apply to."""
        if self.norm_pix == 'tubelet':
            mean = patches.mean(dim=-1, keepdim=True)
            return mean, (patches.var(dim=-1, keepdim=True) + self.eps).sqrt(), patches.shape
        view = (*patches.shape[:-1], -1, len(self.groups[0]))
        values = patches.reshape(view)
        eps = self.eps
        if self.group_eps is not None:  # each token's band group: [L, 1, C_group]
            tokens = patches.shape[1] // len(self.groups)
            eps = self.group_eps.to(patches).repeat_interleave(tokens, dim=0)[:, None, :]
        std = values.var(dim=-2, keepdim=True).sqrt() + eps
        return values.mean(dim=-2, keepdim=True), std, view

    def target(self, clips: torch.Tensor) -> torch.Tensor:
        """Reconstruction target ``[N, L, t*p*p*C_group]``, normalised as ``norm_pix`` says."""
        patches = self.patchify(clips.float())
        if self.norm_pix is None:
            return patches
        mean, std, view = self._stats(patches)
        return ((patches.reshape(view) - mean) / std).reshape(patches.shape)

    def patch_errors(self, pred: torch.Tensor, clips: torch.Tensor) -> torch.Tensor:
        """Mean squared error of every tubelet ``[N, L]``, in float32."""
        return (pred.float() - self.target(clips)).pow(2).mean(dim=-1)

    def loss(self, pred: torch.Tensor, clips: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mean tubelet error over the masked tubelets (``mask`` 1 = removed)."""
        return (self.patch_errors(pred, clips) * mask).sum() / mask.sum()

    def to_pixels(self, pred: torch.Tensor, clips: torch.Tensor) -> torch.Tensor:
        """Predictions back to the input space ``[N, C, T, H, W]`` (normalisation undone with the
        statistics of ``clips``' own tubelets)."""
        pred = pred.float()
        if self.norm_pix is not None:
            patches = self.patchify(clips.float())
            mean, std, view = self._stats(patches)
            pred = (pred.reshape(view) * std + mean).reshape(patches.shape)
        return self.unpatchify(pred, clips.shape[2:])

    def mask_pixels(self, mask: torch.Tensor, clips: torch.Tensor) -> torch.Tensor:
        """The token mask ``[N, L]`` as ``[N, 1, T, H, W]`` (1 = removed) over ``clips``.

        With several band groups a pixel counts as removed where its first group's is."""
        values = mask.unsqueeze(-1).expand(-1, -1, self.values_per_patch)
        return self.unpatchify(values, clips.shape[2:])[:, :1]
