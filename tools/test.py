#!/usr/bin/env python
"""Evaluate a checkpoint with a config's test loop (MMEngine Runner).

For MAE pretraining configs with a test set (the MNIST demo) this reports the
held-out masked-patch reconstruction loss.

Example:
    python tools/test.py configs/mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py \\
        work_dirs/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k/epoch_20.pth
"""
import argparse

from mmmae.apis import test
from mmmae.utils.launch import add_common_args, parse_tool_args


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (evaluate) an mmmae checkpoint')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save the evaluation logs')
    parser.add_argument('--out', help='dump the metrics to this JSON/YAML/pickle file')
    add_common_args(parser)
    return parse_tool_args(parser, argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    return test(args.config, args.checkpoint, args.work_dir, args.cfg_options, args.out,
                args.launcher, args.vis_backends)


if __name__ == '__main__':
    main()
