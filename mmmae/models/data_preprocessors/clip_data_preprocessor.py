"""Batching and normalisation of clips and band stacks ``[C, T, H, W]``, and batch mixing of
labelled clips (Mixup, CutMix over the frames' height and width)."""
from typing import Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.model import BaseDataPreprocessor
from mmpretrain.models.utils import CutMix, RandomBatchAugment
from mmpretrain.registry import BATCH_AUGMENTS

from mmmae.registry import MODELS
from .mae_data_preprocessor import IMAGENET_MEAN, IMAGENET_STD


@BATCH_AUGMENTS.register_module()
class ClipCutMix(CutMix):
    """MMPretrain's ``CutMix`` for ``[N, C, T, H, W]`` clips: one box of the frames' height and
    width, the same for all frames (MMPretrain's cuts the second and third dimensions)."""

    def mix(self, batch_inputs: torch.Tensor,
            batch_scores: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        lam = np.random.beta(self.alpha, self.alpha)
        index = torch.randperm(batch_inputs.size(0))
        (y1, y2, x1, x2), lam = self.cutmix_bbox_and_lam(batch_inputs.shape[-2:], lam)
        batch_inputs[..., y1:y2, x1:x2] = batch_inputs[index][..., y1:y2, x1:x2]
        return batch_inputs, lam * batch_scores + (1 - lam) * batch_scores[index]


@MODELS.register_module()
class ClipDataPreprocessor(BaseDataPreprocessor):
    """Stack ``[C, T, H, W]`` clips into ``[N, C, T, H, W]`` on the device, reverse the channels
    (BGR -> RGB) if ``to_rgb``, and normalise each channel by ``mean`` and ``std``.

    Any number of channels: give one mean and std per band for multispectral stacks (the
    defaults are ImageNet's RGB statistics on the 0-255 scale, for video).

    ``batch_augments`` (MMPretrain's ``ImageClassifier`` passes its ``train_cfg`` here) mixes
    labelled training clips as ``ClsDataPreprocessor`` mixes images, e.g.
    ``dict(augments=[dict(type='Mixup', alpha=0.8), dict(type='ClipCutMix', alpha=1.0)])``;
    the labels become ``gt_score`` over ``num_classes``.
    """

    def __init__(self, mean: Sequence[float] = IMAGENET_MEAN, std: Sequence[float] = IMAGENET_STD,
                 to_rgb: bool = True, batch_augments: Optional[dict] = None,
                 num_classes: Optional[int] = None, non_blocking: bool = True) -> None:
        super().__init__(non_blocking)
        if len(mean) != len(std):
            raise ValueError(f'ClipDataPreprocessor needs one std per mean, got {len(mean)} means '
                             f'and {len(std)} stds')
        self.to_rgb = to_rgb
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32).view(-1, 1, 1, 1), False)
        self.register_buffer('std', torch.tensor(std, dtype=torch.float32).view(-1, 1, 1, 1), False)
        self.batch_augments = None
        if batch_augments:
            if num_classes is None:
                raise ValueError('ClipDataPreprocessor batch_augments mix the labels: set '
                                 'num_classes too')
            plain_cutmix = [aug for aug in batch_augments.get('augments', [])
                            if isinstance(aug, dict) and aug.get('type') in ('CutMix', 'mmpretrain.CutMix')]
            if plain_cutmix:
                raise ValueError("CutMix cuts the wrong dimensions of [N, C, T, H, W] clips: use "
                                 "type='ClipCutMix' in batch_augments")
            self.batch_augments = RandomBatchAugment(**batch_augments)
        self.num_classes = num_classes

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        inputs, samples = data['inputs'], data.get('data_samples')
        clips = inputs if isinstance(inputs, torch.Tensor) else torch.stack(list(inputs))
        if clips.ndim != 5 or clips.shape[1] != self.mean.shape[0]:
            raise ValueError(f'expected clips [N, {self.mean.shape[0]}, T, H, W] (one mean and std '
                             f'per channel), got {tuple(clips.shape)}')
        clips = clips.float()
        if self.to_rgb:
            clips = clips.flip(1)
        clips = (clips - self.mean) / self.std
        if training and self.batch_augments is not None and samples:
            labels = torch.cat([sample.gt_label for sample in samples]).to(clips.device)
            clips, scores = self.batch_augments(clips, F.one_hot(labels, self.num_classes).float())
            for sample, score in zip(samples, scores):
                sample.set_gt_score(score)
        return dict(inputs=clips, data_samples=samples)

    def denormalize(self, clips: torch.Tensor) -> torch.Tensor:
        """Normalised ``[N, C, T, H, W]`` back to the input scale (RGB if ``to_rgb``), clamped
        to 0-255."""
        return (clips.float() * self.std + self.mean).clamp(0, 255)
