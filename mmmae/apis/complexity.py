"""Parameters and forward FLOPs per image of a config's model."""
from typing import Optional

import torch
from mmengine.config import Config

from mmmae.benchmark.measure import counted_flops
from mmmae.registry import MODELS
from mmmae.utils import register_all_modules
from .inference import ConfigLike, config_scope, load_model_config


def model_complexity(config: ConfigLike, img_size: Optional[int] = None) -> dict:
    """``dict(params=..., trainable_params=..., forward_flops=...)`` for one image (or clip).

    FLOPs are counted by ``torch.utils.flop_counter`` (2 per multiply-add) at the config's
    input size, or at ``img_size`` (a progressive-resolution stage of a pretraining config): for
    pretraining the forward pass of a training step (encoder on the visible patches, decoder on
    the patches it decodes in training), for classifiers and segmentors the forward pass to the
    logits, for detectors backbone and neck. Counted on the meta device: shapes only, no weights
    allocated, so ViT-H takes a second.
    """
    from mmmae.models import MAE
    register_all_modules(init_default_scope=False)
    cfg: Config = load_model_config(config)
    with config_scope(cfg), torch.device('meta'):
        model = MODELS.build(cfg.model).eval()
        params = sum(p.numel() for p in model.parameters())
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        encoder = model.backbone
        if hasattr(encoder, 'clip_shape'):  # clips and band stacks: [1, C, T, H, W]
            images = torch.zeros(1, *encoder.clip_shape)
        else:
            height, width = ((img_size, img_size) if img_size
                             else (g * encoder.patch_size for g in encoder.grid))
            images = torch.zeros(1, encoder.in_channels, height, width)
        if isinstance(model, MAE):
            run = model.train().loss  # CrossMAE decodes fewer patches in training
        elif type(model).__module__.startswith('mmdet'):
            run = model.extract_feat  # detectors: backbone and neck (heads depend on proposals)
        else:
            run = model  # classifiers and segmentors: forward to the logits
        with torch.no_grad():
            flops = counted_flops(run, images)
    return dict(params=params, trainable_params=trainable, forward_flops=flops)
