#!/usr/bin/env python
"""Evaluate a checkpoint with a config's test loop (MMEngine Runner).

For MAE pretraining configs with a test set (the MNIST demo) this reports the
held-out masked-patch reconstruction loss.

Example:
    python tools/test.py configs/mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py \\
        work_dirs/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k/epoch_20.pth
"""
import argparse

import mmengine

from mmmae.utils import register_all_modules
from mmmae.utils.config_check import named_config_errors
from mmmae.utils.launch import (add_common_args, build_runner, load_config, parse_tool_args,
                                prepare_distributed)


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
    register_all_modules(init_default_scope=False)
    cfg = load_config(args.config, args.launcher, args.cfg_options, args.work_dir,
                      args.vis_backends)
    if cfg.get('test_dataloader') is None:
        raise SystemExit(f'{args.config} has no test_dataloader; add test_dataloader, test_cfg '
                         'and test_evaluator (see the MNIST demo config) to evaluate it')
    cfg.load_from = args.checkpoint
    prepare_distributed(cfg)
    with named_config_errors():
        runner = build_runner(cfg)
        metrics = runner.test()
    if args.out:
        mmengine.dump(metrics, args.out)
    return metrics


if __name__ == '__main__':
    main()
