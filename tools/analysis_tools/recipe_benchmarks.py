#!/usr/bin/env python
"""Faster pretraining recipes against the standard one on a CPU demo, to accuracy.

For each recipe of the demo (MNIST-5k: standard MAE, progressive resolution, CrossMAE's partial
decoding; ImageNet-like photo crops: standard and progressive) and seed: pretrain, k-NN top-1 of
a checkpoint every N epochs with its wall-clock, linear probe of the last. Prints, per recipe,
the forward FLOPs per training image (averaged over the epochs), the wall-clock per epoch between
checkpoints, the final k-NN and linear probe (mean ± std over the seeds), the wall-clock to reach
the standard run's final k-NN of the same seed, and the ratios to standard; writes it all as JSON.
Runs already done in the work dir are read back, so a killed benchmark continues. Run it alone
on the machine: the wall-clock is part of the result. About 7 minutes per recipe and seed on 2
cores for MNIST-5k, 5 for the photo crops.

Example:
    python tools/analysis_tools/recipe_benchmarks.py --seeds 0 1 2 --out work_dirs/recipes.json
    python tools/analysis_tools/recipe_benchmarks.py --demo imagenet-like --every 5 \
        --work-dir work_dirs/recipe_benchmarks_imagenet_like
"""
import argparse
import json
import statistics
from pathlib import Path

from mmmae.apis.demo import DEMOS, RECIPES, recipe_curve, recipe_flops, time_to_accuracy
from mmmae.apis.inference import config_file


def epoch_seconds(by_seed: dict) -> str:
    """Mean wall-clock per epoch between consecutive checkpoints, over the seeds."""
    per_seed = []
    for run in by_seed.values():
        points = [dict(epoch=0, seconds=0.0), *run['curve']]
        per_seed.append([(b['seconds'] - a['seconds']) / (b['epoch'] - a['epoch'])
                         for a, b in zip(points, points[1:])])
    return ', '.join(f'{statistics.mean(column):.1f}' for column in zip(*per_seed))


def markdown(table: dict, flops: dict, runs: dict, seeds: list, test_set: str) -> str:
    base = table['standard']
    rows = ['| recipe | MFLOPs / image | s / epoch between checkpoints | k-NN | linear probe | '
            'wall-clock to standard\'s k-NN | speed-up | FLOPs ratio |',
            '| --- | --- | --- | --- | --- | --- | --- | --- |']
    for recipe, row in table.items():
        seconds = row['seconds_to_reference']
        reached = (f'{seconds:.0f} s' if seconds is not None
                   else f"not reached ({row['reached']} of {row['seeds']} seeds)")
        speedup = f"{base['seconds_to_reference'] / seconds:.2f}x" if seconds else '-'
        rows.append(f"| {recipe} | {flops[recipe] / 1e6:.1f} | {epoch_seconds(runs[recipe])} | "
                    f"{row['knn']:.1f} ± {row['knn_std']:.1f} | "
                    f"{row['linear']:.1f} ± {row['linear_std']:.1f} | {reached} | {speedup} | "
                    f"{flops['standard'] / flops[recipe]:.2f}x |")
    return '\n'.join(rows) + (f'\n\nTop-1 (%) on the {test_set}, mean ± std over seeds {seeds}; '
                               'wall-clock from the start of training.')


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--demo', choices=sorted(RECIPES), default='mnist5k')
    parser.add_argument('--recipes', nargs='+', help='default: all of the demo\'s')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--every', type=int, default=2, help='epochs between k-NN checkpoints')
    parser.add_argument('--work-dir', default='work_dirs/recipe_benchmarks')
    parser.add_argument('--data-root', help='default: the demo\'s')
    parser.add_argument('--out', help='default: WORK_DIR.json')
    args = parser.parse_args(argv)
    known = RECIPES[args.demo]
    unknown = set(args.recipes or ()) - set(known)
    if unknown:
        parser.error(f'--demo {args.demo} has no recipe {sorted(unknown)}; choose from {sorted(known)}')
    recipes = ['standard', *[r for r in args.recipes or known if r != 'standard']]  # the reference first
    demo = DEMOS[args.demo]
    data_root = args.data_root or demo.data_root
    demo.write_data(data_root)
    runs = {recipe: {} for recipe in recipes}
    for seed in args.seeds:  # seed by seed: the recipes of a seed run close together in time
        for recipe in recipes:
            runs[recipe][seed] = recipe_curve(recipe, seed, Path(args.work_dir), data_root,
                                              args.every, args.demo)
    table = time_to_accuracy(runs)
    flops = {recipe: recipe_flops(config_file(known[recipe])) for recipe in recipes}
    out = Path(args.out or f'{args.work_dir}.json')
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(dict(runs=runs, table=table, flops=flops), indent=2))
    print(markdown(table, flops, runs, args.seeds, demo.test_set))
    return table


if __name__ == '__main__':
    main()
