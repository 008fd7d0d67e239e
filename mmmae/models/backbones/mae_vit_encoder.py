"""The MAE encoder without masking, as a classification backbone (fine-tune, linear probe)."""
from typing import Optional, Tuple, Union

import torch
from torch import nn

from mmmae.registry import MODELS
from ..layers import ViT
from .frozen import FreezableMixin

OUT_TYPES = ('avg_featmap', 'cls_token', 'raw')


@MODELS.register_module()
class MAEViTEncoder(FreezableMixin, ViT):
    """The ViT trunk over all patches (learnt positions), for MMPretrain's ``ImageClassifier``.

    ``forward(images) -> (features,)`` with ``out_type``:

    - ``'avg_featmap'``: mean of the patch tokens, then ``fc_norm`` (the fine-tuning recipe;
      the final ``norm`` is not used, as in the paper's code);
    - ``'cls_token'``: the normalised cls token (the linear-probe recipe);
    - ``'raw'``: all normalised tokens ``[N, 1 + L, D]``.

    A pretraining checkpoint loads through ``init_cfg=dict(type='mmmae.Pretrained',
    checkpoint=..., prefix='backbone.')``: the decoder is not read, the position
    embedding is resampled when ``img_size`` gives another patch grid.
    ``frozen=True`` freezes every parameter and keeps the encoder in eval mode
    (no drop path), running it without autograd. ``with_cp`` recomputes block activations
    in backward to save memory (e.g. ViT-H fine-tuning at 448 px), ``selective_cp`` only their
    LayerNorm and GELU outputs (see :class:`~mmmae.models.layers.ViT`).
    """

    def __init__(self, arch: Union[str, dict] = 'b', img_size: Union[int, Tuple[int, int]] = 224,
                 patch_size: Optional[int] = None, in_channels: int = 3,
                 drop_path_rate: float = 0.0, out_type: str = 'avg_featmap', frozen: bool = False,
                 with_cp: bool = False, selective_cp: bool = False,
                 cpu_half_attention: str = 'fp32', norm_eps: float = 1e-6,
                 init_cfg: Optional[dict] = None) -> None:
        if out_type not in OUT_TYPES:
            raise ValueError(f"out_type '{out_type}' is not one of {OUT_TYPES}")
        # the mean of the patch tokens gets its own norm (fc_norm), as in the paper's code
        pooled = out_type == 'avg_featmap'
        super().__init__(arch=arch, img_size=img_size, patch_size=patch_size,
                         in_channels=in_channels, drop_path_rate=drop_path_rate,
                         norm_eps=norm_eps, final_norm=not pooled, learnt_pos_embed=True,
                         with_cp=with_cp, selective_cp=selective_cp,
                         cpu_half_attention=cpu_half_attention, init_cfg=init_cfg)
        self.out_type = out_type
        if pooled:
            self.fc_norm = nn.LayerNorm(self.embed_dim, eps=norm_eps)
        self.freeze(frozen)

    def forward(self, images: torch.Tensor) -> Tuple[torch.Tensor]:
        with self.grad_mode():
            tokens = self.run_blocks(self.patch_tokens(images))
            if self.out_type == 'avg_featmap':
                return (self.fc_norm(tokens[:, 1:].mean(dim=1)),)
            tokens = self.norm(tokens)
            return (tokens[:, 0],) if self.out_type == 'cls_token' else (tokens,)
