"""Pixel reconstruction target and loss of MAE."""
from typing import Tuple

import torch
from mmengine.model import BaseModule

from mmmae.registry import MODELS


@MODELS.register_module()
class MAEPixelHead(BaseModule):
    """Mean squared error between predicted and true patch pixels, on masked patches only.

    With ``norm_pix=True`` every target patch is normalised by its own mean and
    variance (the paper's default). Patches are flattened as ``(p, q, c)``, as in
    the official code and MMPretrain. Non-square images are supported.
    """

    def __init__(self, patch_size: int = 16, in_channels: int = 3, norm_pix: bool = True,
                 eps: float = 1e-6) -> None:
        super().__init__()
        self.patch_size = patch_size
        self.in_channels = in_channels
        self.norm_pix = norm_pix
        self.eps = eps

    @property
    def values_per_patch(self) -> int:
        return self.patch_size**2 * self.in_channels

    def patchify(self, images: torch.Tensor) -> torch.Tensor:
        """``[N, C, H, W] -> [N, L, p*p*C]``."""
        n, c, height, width = images.shape
        p = self.patch_size
        h, w = height // p, width // p
        x = images.reshape(n, c, h, p, w, p).permute(0, 2, 4, 3, 5, 1)
        return x.reshape(n, h * w, p * p * c)

    def unpatchify(self, patches: torch.Tensor, grid_hw: Tuple[int, int]) -> torch.Tensor:
        """``[N, L, p*p*C] -> [N, C, H, W]`` for a patch grid ``(h, w)``."""
        n = patches.shape[0]
        h, w = grid_hw
        p, c = self.patch_size, self.in_channels
        x = patches.reshape(n, h, w, p, p, c).permute(0, 5, 1, 3, 2, 4)
        return x.reshape(n, c, h * p, w * p)

    def patch_stats(self, patches: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Per-patch mean and std (unbiased variance + eps), as the target normalisation uses."""
        mean = patches.mean(dim=-1, keepdim=True)
        std = (patches.var(dim=-1, keepdim=True) + self.eps).sqrt()
        return mean, std

    def target(self, images: torch.Tensor) -> torch.Tensor:
        """Reconstruction target ``[N, L, p*p*C]`` (normalised per patch if ``norm_pix``)."""
        patches = self.patchify(images.float())
        if not self.norm_pix:
            return patches
        mean, std = self.patch_stats(patches)
        return (patches - mean) / std

    def patch_errors(self, pred: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
        """Mean squared error of every patch ``[N, L]``, in float32."""
        return (pred.float() - self.target(images)).pow(2).mean(dim=-1)

    def loss(self, pred: torch.Tensor, images: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mean patch error over the masked patches (``mask`` 1 = removed)."""
        return (self.patch_errors(pred, images) * mask).sum() / mask.sum()

    def to_pixels(self, pred: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
        """Predictions back to the input image space ``[N, C, H, W]``.

        With ``norm_pix`` the per-patch statistics of ``images`` undo the
        normalisation, as the official MAE visualisation does.
        """
        pred = pred.float()
        if self.norm_pix:
            mean, std = self.patch_stats(self.patchify(images.float()))
            pred = pred * std + mean
        p = self.patch_size
        return self.unpatchify(pred, (images.shape[-2] // p, images.shape[-1] // p))

    def mask_pixels(self, mask: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
        """The patch mask ``[N, L]`` as ``[N, 1, H, W]`` (1 = removed) over ``images``."""
        p = self.patch_size
        values = mask.unsqueeze(-1).expand(-1, -1, self.values_per_patch)
        return self.unpatchify(values, (images.shape[-2] // p, images.shape[-1] // p))[:, :1]
