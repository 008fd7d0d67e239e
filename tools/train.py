#!/usr/bin/env python
"""Train an mmmae model from a config (MMEngine Runner).

Examples:
    python tools/train.py configs/mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py
    tools/dist_train.sh configs/mae/mae_vit-base-p16_8xb512-amp-coslr-300e_in1k.py 8
"""
import argparse

from mmengine.config import Config
from mmengine.runner import Runner

from mmmae.engine import check_resume_fits, latest_good_checkpoint
from mmmae.utils import register_all_modules
from mmmae.utils.config_check import named_config_errors
from mmmae.utils.launch import (add_common_args, build_runner, load_config, parse_tool_args,
                                prepare_distributed)


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


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the training options to the config."""
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOrCPUOptimWrapper'
        cfg.optim_wrapper.setdefault('dtype', 'bfloat16')
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if args.no_pin_memory:
        for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
            if cfg.get(loader) is not None:
                cfg[loader]['pin_memory'] = False
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    if cfg.get('resume') and cfg.get('load_from') is None:
        # mmengine trusts last_checkpoint blindly; skip a missing or damaged file instead
        cfg.load_from = latest_good_checkpoint(cfg.work_dir)
        cfg.resume = cfg.load_from is not None
    return cfg


def main(argv=None) -> Runner:
    args = parse_args(argv)
    register_all_modules(init_default_scope=False)
    cfg = load_config(args.config, args.launcher, args.cfg_options, args.work_dir,
                      args.vis_backends)
    cfg = merge_args(cfg, args)
    prepare_distributed(cfg)
    with named_config_errors():
        runner = build_runner(cfg)
        if cfg.get('resume') and cfg.get('load_from'):
            check_resume_fits(runner.model, cfg.load_from)
        runner.train()
    return runner


if __name__ == '__main__':
    main()
