#!/usr/bin/env python
"""Make one ordinary mmmae checkpoint of a sharded (FSDP) checkpoint directory.

The output has the run's meta and the model's full weights under ``state_dict``, as a DDP run
writes them, so every converter, ``load_from`` and the fine-tuning configs read it. No process
group and no GPU are needed. The optimizer state is left out unless ``--with-optimizer``.

Example:
    python tools/model_converters/consolidate_checkpoint.py work_dirs/fsdp/epoch_1600.pth mae_g14.pth
"""
import argparse

from mmmae.engine.sharded_checkpoint import consolidate


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument('src', help='a sharded checkpoint directory (e.g. work_dir/epoch_N.pth)')
    parser.add_argument('dst', help='the single checkpoint file to write')
    parser.add_argument('--with-optimizer', action='store_true',
                        help="keep the optimizer state (keyed by parameter name, DCP's layout)")
    args = parser.parse_args(argv)
    out = consolidate(args.src, args.dst, with_optimizer=args.with_optimizer)
    print(f'wrote {out} (from the shards of {args.src})')
    return out


if __name__ == '__main__':
    main()
