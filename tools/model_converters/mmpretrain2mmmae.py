#!/usr/bin/env python
"""Convert an MMPretrain / MMSelfSup MAE checkpoint to mmmae's key layout.

The input is loaded safely (weights only); the output holds ``state_dict`` and
``meta`` and is written atomically.

Example:
    python tools/model_converters/mmpretrain2mmmae.py mae_vit-base-p16_mmpretrain.pth mae_b16.pth
"""
from mmmae.converters import cli


def main(argv=None):
    return cli.main('mmpretrain2mmmae', argv, __doc__)


if __name__ == '__main__':
    main()
