"""The MAE pretraining encoder: the ViT trunk plus random masking."""
from typing import Optional, Tuple, Union

import torch

from mmmae.registry import MODELS
from ..layers import ViT, num_visible, patch_grid, random_masking


@MODELS.register_module()
class MAEViT(ViT):
    """ViT encoder of MAE (fixed sin-cos positions, cls token, final norm) that encodes only the
    patches left visible by random masking.

    ``forward(images) -> (latent [N, 1 + len_keep, D], mask [N, L], ids_restore [N, L])``.
    With ``mask=False`` every patch is encoded and ``(tokens [N, 1 + L, D],)`` is returned,
    for feature extraction.

    Inputs of another size than ``img_size`` (progressive resolution) are cut into their own
    patch grid, with the fixed positions evaluated at it; :meth:`input_grid` names it for the
    decoder.

    ``mask_ratio`` is the fraction of patches removed; the other arguments are the trunk's
    (:class:`~mmmae.models.layers.ViT`).
    """

    def __init__(self, arch: Union[str, dict] = 'b', img_size: Union[int, Tuple[int, int]] = 224,
                 patch_size: Optional[int] = None, in_channels: int = 3,
                 mask_ratio: float = 0.75, drop_path_rate: float = 0.0,
                 norm_eps: float = 1e-6, with_cp: bool = False, selective_cp: bool = False,
                 cpu_half_attention: str = 'fp32',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(arch=arch, img_size=img_size, patch_size=patch_size,
                         in_channels=in_channels, drop_path_rate=drop_path_rate,
                         norm_eps=norm_eps, with_cp=with_cp, selective_cp=selective_cp,
                         cpu_half_attention=cpu_half_attention,
                         init_cfg=init_cfg)
        self.mask_ratio = mask_ratio
        num_visible(self.num_patches, mask_ratio)  # validate the ratio now, not mid-training

    @property
    def noise_shape(self) -> Tuple[int, ...]:
        """The shape of one sample's masking noise (``forward``'s ``noise`` is ``[N, *this]``)."""
        return (self.num_patches,)

    def decoder_shape(self) -> dict:
        """What a decoder must share with this encoder (``MAE`` passes it to the neck)."""
        return dict(img_size=(self.grid[0] * self.patch_size, self.grid[1] * self.patch_size),
                    patch_size=self.patch_size, in_channels=self.in_channels)

    def head_shape(self) -> dict:
        """What the pixel head must share with this encoder."""
        return dict(patch_size=self.patch_size, in_channels=self.in_channels)

    def input_grid(self, images: torch.Tensor) -> Tuple[int, int]:
        """The patch grid of ``images [N, C, H, W]``."""
        return patch_grid(images.shape[-2:], self.patch_size)

    def forward(self, images: torch.Tensor, noise: Optional[torch.Tensor] = None,
                mask: bool = True):
        """See the class docstring; ``noise [N, L]`` reproduces a mask exactly."""
        if not mask:
            return (self.encode(self.patch_tokens(images)),)
        visible, mask_map, ids_restore = random_masking(
            self.patch_tokens(images), self.mask_ratio, noise)
        return self.encode(visible), mask_map, ids_restore
