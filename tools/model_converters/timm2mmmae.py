#!/usr/bin/env python
"""Convert a timm ``VisionTransformer`` state dict to mmmae's layout.

An encoder without head becomes ``backbone.*`` (loadable into MAE pretraining or an
MAEViTEncoder classifier through ``init_cfg`` with ``prefix='backbone.'``); a model with
``head`` and ``fc_norm`` becomes an MMPretrain ImageClassifier + MAEViTEncoder checkpoint.

Example:
    python tools/model_converters/timm2mmmae.py vit_b16.pth vit_b16_mmmae.pth --verify
"""
from mmmae.converters import cli


def main(argv=None):
    return cli.main('timm2mmmae', argv, __doc__)


if __name__ == '__main__':
    main()
