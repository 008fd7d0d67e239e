"""The MAE encoder for clips and band stacks: the tubelet trunk plus structured masking
(VideoMAE, SatMAE, Prithvi)."""
from typing import Optional, Sequence, Tuple, Union

import torch

from mmmae.registry import MODELS
from ..layers import structured_masking
from ..layers.masking import kept_units, mask_layout
from ..layers.tubelet_vit import TubeletViT


@MODELS.register_module()
class MAEVideoViT(TubeletViT):
    """ViT encoder of MAE over ``[N, C, T, H, W]`` clips (or band stacks over time) that encodes
    only the tubelets left visible by its masking.

    ``forward(clips) -> (latent [N, len_keep, D], mask [N, L], ids_restore [N, L])``; with
    ``mask=False`` ``(tokens [N, L, D],)`` of every tubelet. The other arguments are the
    trunk's (:class:`~mmmae.models.layers.tubelet_vit.TubeletViT`).

    Args:
        masking: ``'random'``, ``'tube'`` (VideoMAE), ``'group_independent'`` or
            ``'group_consistent'`` (SatMAE); see :func:`~mmmae.models.layers.mask_layout`.
        mask_ratio: fraction removed (VideoMAE: 0.9).
    """

    def __init__(self, arch: Union[str, dict] = 'b', num_frames: int = 16,
                 img_size: Union[int, Tuple[int, int]] = 224, tubelet_size: int = 2,
                 patch_size: Optional[int] = None, in_channels: int = 3,
                 band_groups: Optional[Sequence[Sequence[int]]] = None,
                 pos_embed: str = 'sinusoid_1d', masking: str = 'tube', mask_ratio: float = 0.9,
                 final_norm: bool = True, drop_path_rate: float = 0.0, norm_eps: float = 1e-6,
                 with_cp: bool = False, selective_cp: bool = False,
                 cpu_half_attention: str = 'fp32', init_cfg: Optional[dict] = None) -> None:
        super().__init__(arch=arch, num_frames=num_frames, img_size=img_size,
                         tubelet_size=tubelet_size, patch_size=patch_size, in_channels=in_channels,
                         band_groups=band_groups, pos_embed=pos_embed, final_norm=final_norm,
                         drop_path_rate=drop_path_rate, norm_eps=norm_eps, with_cp=with_cp,
                         selective_cp=selective_cp, cpu_half_attention=cpu_half_attention,
                         init_cfg=init_cfg)
        self.masking, self.mask_ratio = masking, mask_ratio
        # the masking strategy and its ratio checked now, not at the first step
        kept_units(masking, mask_layout(masking, self.token_grid)[2], mask_ratio)

    @property
    def num_visible(self) -> int:
        """Tokens the encoder sees per clip."""
        blocks, shared, units = mask_layout(self.masking, self.token_grid)
        return blocks * shared * kept_units(self.masking, units, self.mask_ratio)

    @property
    def noise_shape(self) -> Tuple[int, int]:
        """The shape of one clip's masking noise, ``(blocks, units)`` of its mask layout."""
        blocks, _, units = mask_layout(self.masking, self.token_grid)
        return blocks, units

    def input_grid(self, clips: torch.Tensor) -> Tuple[int, int, int]:
        """The tubelet grid ``(t, h, w)`` of ``clips [N, C, T, H, W]``."""
        return self.patch_embed.grid(clips)

    def decoder_shape(self) -> dict:
        """What a decoder must share with this encoder (``MAE`` passes it to the neck)."""
        return dict(num_frames=self.num_frames, img_size=self.img_size, tubelet_size=self.tubelet_size,
                    patch_size=self.patch_size, in_channels=self.in_channels,
                    num_groups=self.patch_embed.num_groups, pos_embed=self.pos_embed_type)

    def head_shape(self) -> dict:
        """What the pixel head must share with this encoder."""
        return dict(tubelet_size=self.tubelet_size, patch_size=self.patch_size,
                    in_channels=self.in_channels, band_groups=self.patch_embed.band_groups)

    def forward(self, clips: torch.Tensor, noise: Optional[torch.Tensor] = None, mask: bool = True):
        """See the class docstring; ``noise [N, blocks, units]`` reproduces a mask exactly."""
        tokens = self.patch_tokens(clips)
        if not mask:
            return (self.encode(tokens),)
        visible, mask_map, ids_restore = structured_masking(
            tokens, self.mask_ratio, self.token_grid, self.masking, noise)
        return self.encode(visible), mask_map, ids_restore
