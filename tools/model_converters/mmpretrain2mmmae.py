#!/usr/bin/env python
"""Convert an MMPretrain / MMSelfSup MAE checkpoint to mmmae's key layout.

The input is loaded safely (weights only); the output holds ``state_dict`` and
``meta`` and is written atomically.

Example:
    python tools/model_converters/mmpretrain2mmmae.py mae_vit-base-p16_mmpretrain.pth mae_b16.pth
"""
import argparse
import os
from pathlib import Path

import torch

from mmmae.engine import load_checkpoint_file
from mmmae.models.converters import convert_mmpretrain_mae


def convert_file(src: str, dst: str) -> int:
    """Convert ``src`` into ``dst``; returns the number of tensors written."""
    checkpoint = load_checkpoint_file(src)
    state_dict = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) else None
    if not isinstance(state_dict, dict):
        raise ValueError(f'{src} holds no state dict; expected a checkpoint with "state_dict"')
    converted = convert_mmpretrain_mae(state_dict)
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    tmp = f'{dst}.tmp'
    torch.save(dict(state_dict=converted, meta=dict(converted_from=os.path.abspath(src),
                                                    source='mmpretrain')), tmp)
    os.replace(tmp, dst)
    return len(converted)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='MMPretrain MAE checkpoint')
    parser.add_argument('dst', help='output path')
    args = parser.parse_args(argv)
    count = convert_file(args.src, args.dst)
    print(f'wrote {count} tensors to {args.dst}')


if __name__ == '__main__':
    main()
