"""The MAE encoder as a semantic-segmentation backbone (the paper's UperNet recipe)."""
from typing import Optional, Sequence, Tuple, Union

import torch

from mmmae.registry import MODELS
from ..layers import ViT, patch_grid


def default_out_indices(depth: int) -> Tuple[int, ...]:
    """Blocks 4, 6, 8, 12 of 12 (0-based 3, 5, 7, 11), and the same fractions of other depths."""
    return tuple(round(depth * fraction) - 1 for fraction in (1 / 3, 1 / 2, 2 / 3, 1))


@MODELS.register_module()
class MAEViTSeg(ViT):
    """The ViT trunk over all patch tokens, returning feature maps for MMSeg necks and heads.

    ``forward(images) -> tuple of [N, D, H/p, W/p]``, one per block in ``out_indices``
    (default: 4, 6, 8, 12 of ViT-B, proportionally for other depths). As in the MAE /
    BEiT segmentation recipe (and MMSeg's ``MAE`` backbone) the pretrained cls token goes
    through the blocks and is dropped from the maps, there is no final norm, and every block
    has a relative position bias that starts at zero (none on the cls token's pairs), so a
    pretrained encoder starts by computing what it computed in pretraining. ``cls_token=False``
    runs the patches alone. A pretraining checkpoint loads with
    ``init_cfg=dict(type='mmmae.Pretrained', checkpoint=..., prefix='backbone.')``; its
    ``norm`` is not used, the position embedding is resampled to ``img_size`` and the
    relative position tables are new. ``with_cp`` recomputes block activations in backward to
    save memory, ``selective_cp`` only their LayerNorm and GELU outputs (see
    :class:`~mmmae.models.layers.ViT`).
    """

    def __init__(self, arch: Union[str, dict] = 'b', img_size: Union[int, Tuple[int, int]] = 512,
                 patch_size: Optional[int] = None, in_channels: int = 3,
                 drop_path_rate: float = 0.1, out_indices: Optional[Sequence[int]] = None,
                 rel_pos_bias: bool = True, cls_token: bool = True, with_cp: bool = False,
                 selective_cp: bool = False,
                 cpu_half_attention: str = 'fp32',
                 norm_eps: float = 1e-6, init_cfg: Optional[dict] = None) -> None:
        super().__init__(arch=arch, img_size=img_size, patch_size=patch_size,
                         in_channels=in_channels, drop_path_rate=drop_path_rate,
                         norm_eps=norm_eps, cls_token=cls_token, final_norm=False,
                         learnt_pos_embed=True,
                         block_options=(lambda index, depth, grid: dict(rel_pos_grid=grid))
                         if rel_pos_bias else None,
                         with_cp=with_cp, selective_cp=selective_cp,
                         cpu_half_attention=cpu_half_attention, init_cfg=init_cfg)
        depth = len(self.blocks)
        self.out_indices = tuple(out_indices) if out_indices is not None else \
            default_out_indices(depth)
        bad = [i for i in self.out_indices if not 0 <= i < depth]
        if bad:
            raise ValueError(f'out_indices {bad} are not blocks of a {depth}-block encoder; '
                             f'use 0..{depth - 1}')

    def forward(self, images: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        grid = patch_grid(images.shape[-2:], self.patch_size)
        outputs = self.block_outputs(self.patch_tokens(images), self.out_indices, grid)
        first = 0 if self.cls_token is None else 1
        return tuple(x[:, first:].transpose(1, 2).reshape(x.shape[0], -1, *grid) for x in outputs)
