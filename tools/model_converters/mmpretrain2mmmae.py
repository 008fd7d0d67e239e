#!/usr/bin/env python
"""Convert an MMPretrain / MMSelfSup MAE checkpoint to mmmae's key layout.

The input is loaded safely (weights only); the output holds ``state_dict`` and
``meta`` and is written atomically.

Example:
    python tools/model_converters/mmpretrain2mmmae.py mae_vit-base-p16_mmpretrain.pth mae_b16.pth
"""
import argparse
import os

from mmmae.models.converters import convert_mmpretrain_mae
from mmmae.models.converters.checkpoint_io import read_state_dict, write_checkpoint
from mmmae.models.converters.verify import compare_with_mmpretrain, report


def convert_file(src: str, dst: str) -> int:
    """Convert ``src`` into ``dst``; returns the number of tensors written."""
    converted = convert_mmpretrain_mae(read_state_dict(src))
    write_checkpoint(converted, dst, meta=dict(converted_from=os.path.abspath(src),
                                               source='mmpretrain'))
    return len(converted)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='MMPretrain MAE checkpoint')
    parser.add_argument('dst', help='output path')
    parser.add_argument('--num-heads', type=int, help='encoder heads (only for custom archs)')
    parser.add_argument('--decoder-num-heads', type=int, default=16, help='default: %(default)s')
    parser.add_argument('--verify', action='store_true',
                        help="compare the loss of MMPretrain's MAE and mmmae's on one batch")
    args = parser.parse_args(argv)
    count = convert_file(args.src, args.dst)
    print(f'wrote {count} tensors to {args.dst}')
    if args.verify:
        report(compare_with_mmpretrain(read_state_dict(args.src), args.num_heads,
                                       args.decoder_num_heads), 'MMPretrain')


if __name__ == '__main__':
    main()
