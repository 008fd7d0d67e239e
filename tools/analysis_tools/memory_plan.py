#!/usr/bin/env python
"""Per-GPU memory of MAE pretraining with DDP and with FSDP (full shard, shard grad-op, hybrid),
and the largest batch a GPU holds, for each arch and GPU count (mmmae.benchmark.memory_plan).

Activations are counted from bf16-autocast forwards on this machine (no GPU needed), the
training state from the parameter count. Prints a Markdown table (docs/fsdp.md holds one).

Example:
    python tools/analysis_tools/memory_plan.py --archs b l h g 2b --gpus 8 16 64 --budget-gb 80 141
    python tools/analysis_tools/memory_plan.py --archs g 2b --selective-cp
"""
import argparse

from mmmae.benchmark.memory_plan import arch_memory, plan_table


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument('--archs', nargs='+', default=['b', 'l', 'h', 'g', '2b'])
    parser.add_argument('--gpus', nargs='+', type=int, default=[8, 16, 64])
    parser.add_argument('--budget-gb', nargs='+', type=float, default=[80, 141],
                        help='GPU memory in GB as sold (80 GB A100/H100, 141 GB H200)')
    parser.add_argument('--batch', type=int, default=256, help='images per GPU for the GiB column')
    parser.add_argument('--img-size', type=int, default=224)
    memory = parser.add_mutually_exclusive_group()
    memory.add_argument('--selective-cp', action='store_true',
                        help='recompute LayerNorm and GELU outputs in backward (the ViT-H configs)')
    memory.add_argument('--with-cp', action='store_true', help='recompute whole blocks in backward')
    args = parser.parse_args(argv)
    memories = [arch_memory(arch, args.img_size, args.selective_cp, args.with_cp) for arch in args.archs]
    option = ', selective_cp' if args.selective_cp else ', with_cp' if args.with_cp else ''
    print(f'MAE pretraining memory a GPU, {args.img_size}px, bf16{option}; 10 % of each budget '
          'kept for the allocator and transient buffers')
    for memory_ in memories:
        print(f'  {memory_.arch}: {memory_.kept_per_image / 2**20:.1f} MiB of activations an image')
    print('\n'.join(plan_table(memories, args.gpus, args.budget_gb, args.batch)))
    return memories


if __name__ == '__main__':
    main()
