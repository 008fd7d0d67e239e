#!/usr/bin/env python
"""Convert a checkpoint of the official MAE code (facebookresearch/mae) to mmmae.

Pretraining checkpoints (``mae_pretrain_vit_*.pth``: encoder only;
``mae_visualize_vit_*.pth``: encoder and decoder) become mmmae MAE checkpoints whose
decoder, when present, serves the reconstruction visualiser. Fine-tuned checkpoints
(``fc_norm`` + ``head``) become MMPretrain ImageClassifier + MAEViTEncoder checkpoints.
The official code names parameters as timm does, so ``--verify`` compares the encoder
(and classifier) with timm.

Example:
    python tools/model_converters/official2mmmae.py mae_visualize_vit_large.pth mae_l16.pth --verify
"""
from mmmae.converters import cli


def main(argv=None):
    return cli.main('official2mmmae', argv, __doc__)


if __name__ == '__main__':
    main()
