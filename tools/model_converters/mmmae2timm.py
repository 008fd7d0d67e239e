#!/usr/bin/env python
"""Convert an mmmae checkpoint to timm's ``VisionTransformer`` layout.

Pretraining checkpoints give the encoder (the decoder is dropped); fine-tuned
classification checkpoints (MAEViTEncoder + LinearClsHead) keep ``fc_norm``, the
pooling choice and the classifier head. Prints the timm call that loads the result.

Example:
    python tools/model_converters/mmmae2timm.py work_dirs/ft/epoch_100.pth vit_b16_mae.pth --verify
"""
from mmmae.converters import cli


def main(argv=None):
    return cli.main('mmmae2timm', argv, __doc__)


if __name__ == '__main__':
    main()
