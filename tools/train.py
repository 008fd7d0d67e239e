#!/usr/bin/env python
"""Train an mmmae model from a config (MMEngine Runner).

Examples:
    python tools/train.py configs/mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py
    tools/dist_train.sh configs/mae/mae_vit-base-p16_8xb512-amp-coslr-300e_in1k.py 8
"""
import argparse

from mmengine.runner import Runner

from mmmae.apis import train
from mmmae.utils.launch import add_common_args, parse_tool_args


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train an mmmae model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and checkpoints '
                        '(default: work_dirs/<config name>)')
    parser.add_argument('--resume', nargs='?', type=str, const='auto',
                        help='resume from PATH, or with no PATH from the latest checkpoint '
                        'in the work dir')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision: bf16 autocast (AmpOrCPUOptimWrapper)')
    parser.add_argument('--no-validate', action='store_true', help='skip validation during training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the lr by total batch / auto_scale_lr.base_batch_size')
    parser.add_argument('--no-pin-memory', action='store_true', help='disable pin_memory')
    add_common_args(parser)
    return parse_tool_args(parser, argv)


def main(argv=None) -> Runner:
    args = parse_args(argv)
    return train(args.config, args.work_dir, args.cfg_options, resume=args.resume, amp=args.amp,
                 validate=not args.no_validate, auto_scale_lr=args.auto_scale_lr,
                 pin_memory=not args.no_pin_memory, launcher=args.launcher,
                 vis_backends=args.vis_backends)


if __name__ == '__main__':
    main()
