#!/usr/bin/env python
"""Convert an mmmae checkpoint to timm's ``VisionTransformer`` layout.

Pretraining checkpoints give the encoder (the decoder is dropped); fine-tuned
classification checkpoints (MAEViTEncoder + LinearClsHead) keep ``fc_norm``, the
pooling choice and the classifier head. Prints the timm call that loads the result.

Example:
    python tools/model_converters/mmmae2timm.py work_dirs/ft/epoch_100.pth vit_b16_mae.pth --verify
"""
import argparse

import torch

from mmmae.models.converters import convert_to_timm_vit, timm_model_name
from mmmae.models.converters.checkpoint_io import read_state_dict, write_checkpoint
from mmmae.models.converters.verify import compare_with_timm, report


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='mmmae checkpoint (pretraining or classification)')
    parser.add_argument('dst', help='output: a plain timm state dict')
    parser.add_argument('--num-heads', type=int, help='attention heads (only for custom archs)')
    parser.add_argument('--verify', action='store_true',
                        help='compare features/logits of timm and mmmae on a random input')
    args = parser.parse_args(argv)
    state = read_state_dict(args.src)
    timm_state, kwargs = convert_to_timm_vit(state)
    if args.num_heads:
        kwargs['num_heads'] = args.num_heads
    write_checkpoint(timm_state, args.dst, wrap=False)
    call = ', '.join(f'{k}={v!r}' for k, v in kwargs.items())
    print(f'wrote {len(timm_state)} tensors to {args.dst}; load with\n'
          f"  model = timm.create_model('{timm_model_name(kwargs)}', pretrained=False, {call})\n"
          f"  model.load_state_dict(torch.load('{args.dst}'))")
    if args.verify:
        report(compare_with_timm(state, args.num_heads), 'timm')
    return kwargs


if __name__ == '__main__':
    torch.set_grad_enabled(False)
    main()
