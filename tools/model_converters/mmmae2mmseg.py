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
import argparse
import os

from mmmae.models.converters.checkpoint_io import read_state_dict, write_checkpoint
from mmmae.models.converters.mmseg_mae import convert_to_mmseg_mae
from mmmae.models.converters.verify import compare_with_mmseg_mae, report


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='mmmae pretraining or classification checkpoint')
    parser.add_argument('dst', help='checkpoint for mmseg.models.backbones.MAE')
    parser.add_argument('--num-heads', type=int, required=True,
                        help='attention heads (12 for ViT-B, 16 for ViT-L/H); sizes the '
                        'relative position bias tables')
    parser.add_argument('--verify', action='store_true',
                        help="compare MMSeg's MAE backbone with mmmae's encoder on a random input")
    args = parser.parse_args(argv)
    state = read_state_dict(args.src)
    converted = convert_to_mmseg_mae(state, args.num_heads)
    write_checkpoint(converted, args.dst, meta=dict(converted_from=os.path.abspath(args.src),
                                                    target='mmseg.models.backbones.MAE'))
    print(f'wrote {len(converted)} tensors to {args.dst}')
    if args.verify:
        report(compare_with_mmseg_mae(state, args.num_heads), 'MMSeg MAE', tolerance=1e-5)


if __name__ == '__main__':
    main()
