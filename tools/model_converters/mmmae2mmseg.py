#!/usr/bin/env python
"""Convert an mmmae encoder to MMSegmentation's own ``MAE`` backbone layout.

For MMSeg configs that use ``type='MAE'`` (mmseg.models.backbones.MAE); point their
``init_cfg=dict(type='Pretrained', checkpoint=DST)`` at the output. Layer scales are
set to 1 and relative position biases to 0, so the encoder computes what it computed
in mmmae; the final norm is left out (MMSeg's MAE has none). mmmae's own
segmentation backbones load mmmae checkpoints directly and need no conversion.

Example:
    python tools/model_converters/mmmae2mmseg.py work_dirs/pretrain/epoch_1600.pth mae_b16_mmseg.pth \\
        --num-heads 12 --verify
"""
from mmmae.converters import cli


def main(argv=None):
    return cli.main('mmmae2mmseg', argv, __doc__)


if __name__ == '__main__':
    main()
