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
import argparse
import os

from mmmae.models.converters import convert_timm_vit
from mmmae.models.converters.checkpoint_io import read_state_dict, write_checkpoint
from mmmae.models.converters.verify import compare_with_timm, report


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='official MAE checkpoint ({"model": state_dict})')
    parser.add_argument('dst', help='mmmae checkpoint to write')
    parser.add_argument('--num-heads', type=int, help='attention heads (only for custom archs)')
    parser.add_argument('--verify', action='store_true',
                        help='compare the encoder (and classifier) with timm on a random input')
    args = parser.parse_args(argv)
    converted = convert_timm_vit(read_state_dict(args.src))
    has_decoder = any(k.startswith('neck.') for k in converted)
    write_checkpoint(converted, args.dst, meta=dict(converted_from=os.path.abspath(args.src),
                                                    source='official-mae'))
    print(f'wrote {len(converted)} tensors to {args.dst} '
          f'({"with" if has_decoder else "without"} the decoder)')
    if args.verify:
        report(compare_with_timm(converted, args.num_heads), 'timm')


if __name__ == '__main__':
    main()
