#!/usr/bin/env python
"""Parameters and forward FLOPs per image of an MAE pretraining or classification config.

FLOPs are counted by ``torch.utils.flop_counter`` (2 per multiply-add) for one
image at the config's input size: for pretraining the forward pass of a step
(encoder on the visible patches, decoder on all of them), for classifiers and
segmentors the forward pass to the logits, for detectors backbone and neck. Backward
costs about twice the forward. The numbers in configs/*/metafile.yml come from this
tool (tests check them).

Example:
    python tools/analysis_tools/get_flops.py configs/mae/mae_vit-base-p16_8xb512-amp-coslr-300e_in1k.py
"""
import argparse

import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmmae.benchmark.measure import counted_flops
from mmmae.models import MAE
from mmmae.registry import MODELS
from mmmae.utils import register_all_modules


def complexity(config: str) -> dict:
    """``dict(params=..., trainable_params=..., forward_flops=...)`` for one image.

    Counted on the meta device: shapes only, no weights allocated, so ViT-H takes a second.
    """
    register_all_modules()
    cfg = Config.fromfile(config)
    with DefaultScope.overwrite_default_scope(cfg.get('default_scope', 'mmmae')), \
            torch.device('meta'):
        model = MODELS.build(cfg.model).eval()
        params = sum(p.numel() for p in model.parameters())
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        encoder = model.backbone
        height, width = (g * encoder.patch_size for g in encoder.grid)
        images = torch.zeros(1, encoder.in_channels, height, width)
        if isinstance(model, MAE):
            run = model.loss
        elif type(model).__module__.startswith('mmdet'):
            run = model.extract_feat  # detectors: backbone and neck (heads depend on proposals)
        else:
            run = model  # classifiers and segmentors: forward to the logits
        with torch.no_grad():
            flops = counted_flops(run, images)
    return dict(params=params, trainable_params=trainable, forward_flops=flops)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='MAE pretraining or classification config')
    args = parser.parse_args(argv)
    stats = complexity(args.config)
    print(f'parameters          {stats["params"]:,} ({stats["trainable_params"]:,} trainable)')
    print(f'forward FLOPs/image {stats["forward_flops"]:,} '
          f'({stats["forward_flops"] / 1e9:.2f} GFLOPs; a training step costs about 3x)')


if __name__ == '__main__':
    main()
