#!/usr/bin/env python
"""Convert a timm ``VisionTransformer`` state dict to mmmae's layout.

An encoder without head becomes ``backbone.*`` (loadable into MAE pretraining or an
MAEViTEncoder classifier through ``init_cfg`` with ``prefix='backbone.'``); a model with
``head`` and ``fc_norm`` becomes an MMPretrain ImageClassifier + MAEViTEncoder checkpoint.

Example:
    python tools/model_converters/timm2mmmae.py vit_b16.pth vit_b16_mmmae.pth --verify
"""
import argparse
import os

from mmmae.models.converters import convert_timm_vit
from mmmae.models.converters.checkpoint_io import read_state_dict, write_checkpoint
from mmmae.models.converters.verify import compare_with_timm, report


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='timm state dict (.pth, .bin or .safetensors)')
    parser.add_argument('dst', help='mmmae checkpoint to write')
    parser.add_argument('--num-heads', type=int, help='attention heads (only for custom archs)')
    parser.add_argument('--verify', action='store_true',
                        help='compare features/logits of timm and mmmae on a random input')
    args = parser.parse_args(argv)
    converted = convert_timm_vit(read_state_dict(args.src))
    write_checkpoint(converted, args.dst, meta=dict(converted_from=os.path.abspath(args.src),
                                                    source='timm'))
    print(f'wrote {len(converted)} tensors to {args.dst}')
    if args.verify:
        report(compare_with_timm(converted, args.num_heads), 'timm')


if __name__ == '__main__':
    main()
