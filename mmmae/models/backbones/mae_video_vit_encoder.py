"""The clip / band-stack encoder without masking, as a classification backbone."""
from typing import Optional, Sequence, Tuple, Union

import torch
from torch import nn

from mmmae.registry import MODELS
from ..layers.tubelet_vit import TubeletViT
from .frozen import FreezableMixin

VIDEO_OUT_TYPES = ('avg_featmap', 'avg_normed', 'raw')


@MODELS.register_module()
class MAEVideoViTEncoder(FreezableMixin, TubeletViT):
    """The tubelet trunk over every tubelet, for MMPretrain's ``ImageClassifier`` on clips
    (``[N, C, T, H, W]`` from ``ClipDataPreprocessor``).

    ``forward(clips) -> (features,)`` with ``out_type``:

    - ``'avg_featmap'``: mean of the tokens, then ``fc_norm`` (VideoMAE's fine-tuning recipe,
      mean pooling; the pretraining ``norm`` is not used);
    - ``'avg_normed'``: mean of the tokens after the pretraining ``norm`` (the linear probe and
      k-NN feature; there is no cls token);
    - ``'raw'``: all normalised tokens ``[N, L, D]``.

    A pretraining checkpoint of :class:`MAEVideoViT` loads through
    ``init_cfg=dict(type='mmmae.Pretrained', checkpoint=..., prefix='backbone.')``; the
    positions are fixed, so nothing is resampled. ``frozen=True`` freezes every parameter and
    keeps the encoder in eval mode, without autograd. The other arguments are the trunk's
    (:class:`~mmmae.models.layers.tubelet_vit.TubeletViT`).
    """

    def __init__(self, arch: Union[str, dict] = 'b', num_frames: int = 16,
                 img_size: Union[int, Tuple[int, int]] = 224, tubelet_size: int = 2,
                 patch_size: Optional[int] = None, in_channels: int = 3,
                 band_groups: Optional[Sequence[Sequence[int]]] = None,
                 pos_embed: str = 'sinusoid_1d', out_type: str = 'avg_featmap', frozen: bool = False,
                 drop_path_rate: float = 0.0, norm_eps: float = 1e-6, with_cp: bool = False,
                 selective_cp: bool = False, cpu_half_attention: str = 'fp32',
                 init_cfg: Optional[dict] = None) -> None:
        if out_type not in VIDEO_OUT_TYPES:
            raise ValueError(f"out_type '{out_type}' is not one of {VIDEO_OUT_TYPES}")
        pooled = out_type == 'avg_featmap'
        super().__init__(arch=arch, num_frames=num_frames, img_size=img_size,
                         tubelet_size=tubelet_size, patch_size=patch_size, in_channels=in_channels,
                         band_groups=band_groups, pos_embed=pos_embed, final_norm=not pooled,
                         drop_path_rate=drop_path_rate, norm_eps=norm_eps, with_cp=with_cp,
                         selective_cp=selective_cp, cpu_half_attention=cpu_half_attention,
                         init_cfg=init_cfg)
        self.out_type = out_type
        if pooled:
            self.fc_norm = nn.LayerNorm(self.embed_dim, eps=norm_eps)
        self.freeze(frozen)

    def forward(self, clips: torch.Tensor) -> Tuple[torch.Tensor]:
        with self.grad_mode():
            tokens = self.encode(self.patch_tokens(clips))
            if self.out_type == 'avg_featmap':
                return (self.fc_norm(tokens.mean(dim=1)),)
            return (tokens.mean(dim=1),) if self.out_type == 'avg_normed' else (tokens,)
