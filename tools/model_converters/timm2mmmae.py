#!/usr/bin/env python
"""Convert a timm ``VisionTransformer`` state dict to mmmae's layout.

An encoder without head becomes ``backbone.*`` (loadable into MAE pretraining or an
MAEViTEncoder classifier through ``init_cfg`` with ``prefix='backbone.'``); a model with
``head`` and ``fc_norm`` becomes an MMPretrain ImageClassifier + MAEViTEncoder checkpoint.

Example:
    python tools/model_converters/timm2mmmae.py vit_b16.pth vit_b16_mmmae.pth --verify
"""
from mmmae.models.converters.cli import timm_layout_to_mmmae


def main(argv=None) -> dict:
    return timm_layout_to_mmmae(argv, __doc__, source='timm')


if __name__ == '__main__':
    main()
