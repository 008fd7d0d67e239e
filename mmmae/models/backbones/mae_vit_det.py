"""The MAE encoder as a plain-ViT detection backbone (ViTDet, Li et al. 2022)."""
from typing import Optional, Sequence, Tuple, Union

import torch

from mmmae.registry import MODELS
from ..layers import ViT, patch_grid


def default_global_blocks(depth: int) -> Tuple[int, ...]:
    """The last block of each quarter: 2, 5, 8, 11 of 12 (ViT-B); 5, 11, 17, 23 of 24; ..."""
    return tuple(depth // 4 * (quarter + 1) - 1 for quarter in range(4))


@MODELS.register_module()
class MAEViTDet(ViT):
    """The ViT trunk over all patch tokens at detection resolution, returning the stride-16 map.

    ``forward(images) -> ([N, D, H/p, W/p],)`` for a simple feature pyramid neck.
    Blocks attend within ``window_size`` windows except the ``global_blocks``
    (default: the last block of each quarter); each block has a relative position
    bias over its window or the whole grid, starting at zero. No cls token and no
    final norm. ``with_cp`` recomputes block activations in backward to save memory,
    ``selective_cp`` only their LayerNorm and GELU outputs (see :class:`~mmmae.models.layers.ViT`).
    A pretraining checkpoint loads with ``init_cfg=dict(type='mmmae.Pretrained',
    checkpoint=..., prefix='backbone.')``; the position embedding is resampled to
    ``img_size``.
    """

    def __init__(self, arch: Union[str, dict] = 'b',
                 img_size: Union[int, Tuple[int, int]] = 1024,
                 patch_size: Optional[int] = None, in_channels: int = 3,
                 drop_path_rate: float = 0.1, window_size: int = 14,
                 global_blocks: Optional[Sequence[int]] = None, rel_pos_bias: bool = True,
                 with_cp: bool = False, selective_cp: bool = False,
                 cpu_half_attention: str = 'fp32', norm_eps: float = 1e-6,
                 init_cfg: Optional[dict] = None) -> None:
        def windows(index: int, depth: int, grid: Tuple[int, int]) -> dict:
            is_global = index in (global_blocks if global_blocks is not None
                                  else default_global_blocks(depth))
            rel_pos_grid = grid if is_global else (window_size, window_size)
            return dict(window_size=0 if is_global else window_size,
                        rel_pos_grid=rel_pos_grid if rel_pos_bias else None)
        super().__init__(arch=arch, img_size=img_size, patch_size=patch_size,
                         in_channels=in_channels, drop_path_rate=drop_path_rate,
                         norm_eps=norm_eps, cls_token=False, final_norm=False,
                         learnt_pos_embed=True, block_options=windows, with_cp=with_cp,
                         selective_cp=selective_cp,
                         cpu_half_attention=cpu_half_attention, init_cfg=init_cfg)
        self.window_size = window_size
        depth = len(self.blocks)
        self.global_blocks = tuple(global_blocks) if global_blocks is not None else \
            default_global_blocks(depth)
        bad = [i for i in self.global_blocks if not 0 <= i < depth]
        if bad:
            raise ValueError(f'global_blocks {bad} are not blocks of a {depth}-block encoder')

    def forward(self, images: torch.Tensor) -> Tuple[torch.Tensor]:
        grid = patch_grid(images.shape[-2:], self.patch_size)
        x = self.run_blocks(self.patch_tokens(images), grid)
        return (x.transpose(1, 2).reshape(x.shape[0], -1, *grid),)
